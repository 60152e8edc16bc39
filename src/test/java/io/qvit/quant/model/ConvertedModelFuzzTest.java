package io.qvit.quant.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qvit.QvitException;
import io.qvit.backend.cpu.CpuBackend;
import io.qvit.model.VitConfig;
import io.qvit.model.weights.DType;
import io.qvit.testsupport.Fuzz;
import io.qvit.testsupport.Mutator;
import io.qvit.testsupport.SafetensorsEdit;
import io.qvit.testsupport.TestRandom;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Converted files of tiny random ViTs ({@link TinyConvertedModel}) with their metadata values, tensor
 * entries and tensor values mutated: each is refused with a QvitException naming the file, or read
 * into a model whose forward then runs (what the reader accepts, the model runs), or stops at its check
 * for non-finite activations where values in range overflow the arithmetic (a scale of 1e38).
 */
class ConvertedModelFuzzTest {
    private static final String[] JSON_KEYS = {"qvit.definition", "qvit.quant"};
    private static final double[] NUMBERS = {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 31, 32, 33, 255, 256, -1, -8, 2.5, 1e-9, 1e30,
            Integer.MAX_VALUE, 46341};
    private static final float[] VALUES = {0f, -0f, -1f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
            1e38f, 200f, 3.5f, 8f, 15f, 16f, 256f};

    @TempDir
    Path dir;

    private record Seed(String name, byte[] file, VitConfig config) {}

    @Test
    void mutatedConvertedFilesAreRefusedOrRun() throws IOException {
        List<Seed> seeds = List.of(
                seed("vit w4a4", TinyConvertedModel.VIT, QuantConfig.of(4, 4)),
                seed("deit w6a5 float attention, 3-bit softmax", TinyConvertedModel.DEIT, new QuantConfig(6, 5, QuantConfig.FLOAT, 3)),
                seed("deit w3a8", TinyConvertedModel.DEIT, QuantConfig.of(3, 8)));
        try (CpuBackend cpu = new CpuBackend(1)) {
            Fuzz.run("converted model", dir, Duration.ofSeconds(180), new Fuzz.Target() {
                @Override
                public Path write(Mutator m, Path dir) throws IOException {
                    Seed seed = seeds.get(m.random().nextInt(seeds.size()));
                    m.note(seed.name());
                    SafetensorsEdit e = SafetensorsEdit.of(seed.file());
                    for (int k = 1 + m.random().nextInt(3); k > 0; k--) mutate(m, e);
                    return e.write(dir.resolve("case.safetensors"));
                }

                @Override
                public void read(Path file) {
                    QuantizedModelFile.Contents c = QuantizedModelFile.read(file);
                    VitConfig cfg = c.definition().config();
                    float[] image = TestRandom.uniform(new SplittableRandom(cfg.hashCode()), cfg.inChans() * cfg.imgSize() * cfg.imgSize(), 2f);
                    try (io.qvit.model.VisionTransformer model = QuantizedVit.of(c.model(), cpu)) {
                        model.forward(image, 1);
                    } catch (QvitException e) {
                        // in range but so large (a scale of 1e38) that the arithmetic overflows: the forward's finiteness check
                        if (!e.getMessage().contains("NaN")) throw new AssertionError("the reader accepted " + file + " but its forward failed", e);
                    } catch (RuntimeException e) {
                        throw new AssertionError("the reader accepted " + file + " but its forward failed", e);
                    }
                }
            });
        }
    }

    private Seed seed(String name, VitConfig cfg, QuantConfig quant) throws IOException {
        Path file = dir.resolve(name.replace(' ', '_').replace(",", "") + ".safetensors");
        TinyConvertedModel.write(file, cfg, quant, 1919);
        return new Seed(name, Files.readAllBytes(file), cfg);
    }

    private static void mutate(Mutator m, SafetensorsEdit e) {
        SplittableRandom rnd = m.random();
        switch (rnd.nextInt(10)) {
            case 0, 1 -> { // a JSON metadata value mutated as a tree (wrong types, huge numbers, deep nesting, removals)
                String key = JSON_KEYS[rnd.nextInt(JSON_KEYS.length)];
                ObjectNode root = e.metadataJson(key);
                if (root == null) return; // an earlier mutation broke it
                m.note("tree mutation of " + key);
                e.setMetadata(key, new String(m.mutateJson(root), StandardCharsets.UTF_8));
            }
            case 2, 3, 4 -> numberOrFlag(m, e);
            case 5 -> { // a metadata entry removed or replaced
                List<String> keys = new ArrayList<>();
                if (e.metadata() != null) e.metadata().fieldNames().forEachRemaining(keys::add);
                if (keys.isEmpty()) return;
                String key = keys.get(rnd.nextInt(keys.size()));
                if (rnd.nextBoolean()) {
                    m.note("remove metadata " + key);
                    e.metadata().remove(key);
                } else {
                    m.note("metadata " + key + " := garbage");
                    e.setMetadata(key, rnd.nextBoolean() ? "" : e.metadata().get(key).asText() + "x");
                }
            }
            case 6 -> entry(m, e);
            default -> value(m, e);
        }
    }

    /** A number of the definition or the bits set to an edge value, or a flag flipped. */
    private static void numberOrFlag(Mutator m, SafetensorsEdit e) {
        SplittableRandom rnd = m.random();
        String key = JSON_KEYS[rnd.nextInt(JSON_KEYS.length)];
        ObjectNode root = e.metadataJson(key);
        if (root == null) return;
        List<ObjectNode> parents = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        collect(root, parents, fields);
        if (fields.isEmpty()) return;
        int i = rnd.nextInt(fields.size());
        ObjectNode parent = parents.get(i);
        String field = fields.get(i);
        JsonNode old = parent.get(field);
        if (old.isBoolean()) {
            parent.put(field, !old.booleanValue());
        } else if (old.isTextual()) {
            parent.put(field, rnd.nextBoolean() ? "" : old.textValue() + "x");
        } else if (old.isArray() && !old.isEmpty()) {
            ((ArrayNode) old).set(rnd.nextInt(old.size()), m.random().nextBoolean() ? 0.0 : -1.0);
        } else if (old.isNumber()) {
            double v = switch (rnd.nextInt(4)) {
                case 0 -> old.asDouble() + (rnd.nextBoolean() ? 1 : -1);
                case 1 -> old.asDouble() * (rnd.nextBoolean() ? 2 : 0.5);
                default -> NUMBERS[rnd.nextInt(NUMBERS.length)];
            };
            if (v == Math.rint(v) && Math.abs(v) < Integer.MAX_VALUE && old.isIntegralNumber()) parent.put(field, (int) v);
            else parent.put(field, v);
        } else {
            return; // an earlier mutation left no value to edit
        }
        m.note(key + " " + field + " := " + parent.get(field));
        e.setMetadataJson(key, root);
    }

    private static void collect(ObjectNode node, List<ObjectNode> parents, List<String> fields) {
        node.fieldNames().forEachRemaining(f -> {
            if (node.get(f) instanceof ObjectNode child) collect(child, parents, fields);
            else {
                parents.add(node);
                fields.add(f);
            }
        });
    }

    /** A tensor entry given another dtype (another width, or the same), another shape, another name, or removed. */
    private static void entry(Mutator m, SafetensorsEdit e) {
        SplittableRandom rnd = m.random();
        List<String> names = e.tensorNames();
        String name = names.get(rnd.nextInt(names.size()));
        if (!(e.header().get(name) instanceof ObjectNode entry)) return;
        switch (rnd.nextInt(4)) {
            case 0 -> {
                String dtype = rnd.nextBoolean() ? DType.values()[rnd.nextInt(DType.values().length)].name()
                        : entry.get("dtype").asText().equals("U8") ? (rnd.nextBoolean() ? "I8" : "BOOL") : "I32";
                m.note(name + ".dtype := " + dtype);
                entry.put("dtype", dtype);
            }
            case 1 -> { // the same number of elements in another shape: only the shape can tell
                ArrayNode shape = (ArrayNode) entry.get("shape");
                long n = 1;
                for (JsonNode d : shape) n *= d.asLong();
                ArrayNode other = entry.putArray("shape");
                if (shape.size() > 1 && rnd.nextBoolean()) other.add(n);
                else other.add(1).add(n);
                m.note(name + ".shape := " + other);
            }
            case 2 -> {
                String renamed = switch (rnd.nextInt(4)) {
                    case 0 -> name.replaceFirst("blocks\\.\\d+\\.", "blocks." + rnd.nextInt(4) + ".");
                    case 1 -> name + "x";
                    case 2 -> "act.blocks." + rnd.nextInt(3) + "." + Site.values()[rnd.nextInt(Site.values().length)].name().toLowerCase()
                            + (rnd.nextBoolean() ? ".scale" : ".divisor");
                    default -> names.get(rnd.nextInt(names.size())) + (rnd.nextBoolean() ? ".scale" : "");
                };
                m.note("rename " + name + " to " + renamed);
                if (!e.header().has(renamed)) e.header().set(renamed, e.header().remove(name));
            }
            default -> {
                m.note("remove " + name);
                e.header().remove(name);
            }
        }
    }

    /** One value of a tensor: an edge float in an F32 tensor, a random byte of packed codes. */
    private static void value(Mutator m, SafetensorsEdit e) {
        SplittableRandom rnd = m.random();
        List<String> names = e.tensorNames();
        String name = names.get(rnd.nextInt(names.size()));
        int bytes = e.byteLength(name);
        if (e.entry(name).get("dtype").asText().equals("U8")) {
            int at = rnd.nextInt(bytes);
            byte b = (byte) rnd.nextInt(256);
            m.note(name + " byte " + at + " := " + b);
            e.setByte(name, at, b);
        } else {
            int at = rnd.nextInt(bytes / 4);
            float old = e.getFloat(name, at);
            float v = rnd.nextInt(4) == 0 ? -old : rnd.nextInt(3) == 0 ? old + 1 : VALUES[rnd.nextInt(VALUES.length)];
            m.note(name + "[" + at + "] := " + v);
            e.setFloat(name, at, v);
        }
    }
}
