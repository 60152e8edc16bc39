package io.qvit.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded mutations of real files for the fuzz tests: byte-level ones (bit flips, interesting bytes and
 * integers, truncation, chunk insertion, deletion and duplication) aimed at "hot" ranges such as a
 * header when given, and JSON tree ones (a value replaced by a wrong type, a huge or negative number,
 * a copy of another value, deep nesting, or removed). Each mutation is logged, so a failing case says
 * what was done to the file as well as its seed.
 */
public final class Mutator {
    /** Values that break length fields: zero, one, sign boundaries and all-ones of each width. */
    private static final long[] INTERESTING = {0, 1, -1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFF_FFFFL,
            0x8000_0000L, 0xFFFF_FFFFL, 1L << 32, 1_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE};
    private static final String DEEP_MARK = "deep nesting here";
    private static final int DEEP = 5_000;
    private static final byte[] INTERESTING_BYTES = {0, 1, (byte) 0xFF, 0x7F, (byte) 0x80, (byte) 0xFE};

    private final SplittableRandom rnd;
    private final List<String> log = new ArrayList<>();

    public Mutator(SplittableRandom rnd) {
        this.rnd = rnd;
    }

    public SplittableRandom random() {
        return rnd;
    }

    /** What was done so far, for the failure message. */
    public String log() {
        return String.join("; ", log);
    }

    public void note(String what) {
        log.add(what);
    }

    /** One to four stacked byte mutations; half of the positions fall in {@code [hotStart, hotEnd)} when that is not empty. */
    public byte[] mutateBytes(byte[] in, int hotStart, int hotEnd) {
        byte[] b = in;
        for (int k = 1 + rnd.nextInt(4); k > 0; k--) b = mutateOnce(b, hotStart, hotEnd);
        return b;
    }

    public byte[] mutateBytes(byte[] in) {
        return mutateBytes(in, 0, 0);
    }

    private byte[] mutateOnce(byte[] b, int hotStart, int hotEnd) {
        if (b.length == 0) return insert(b, 0, randomBytes(1 + rnd.nextInt(16)), "random");
        int at = position(b.length, hotStart, hotEnd);
        switch (rnd.nextInt(9)) {
            case 0 -> {
                int bit = rnd.nextInt(8);
                log.add("flip bit " + bit + " at " + at);
                b = b.clone();
                b[at] ^= (byte) (1 << bit);
            }
            case 1 -> {
                byte v = INTERESTING_BYTES[rnd.nextInt(INTERESTING_BYTES.length)];
                log.add(String.format("byte 0x%02x at %d", v, at));
                b = b.clone();
                b[at] = v;
            }
            case 2 -> b = interestingInt(b, at);
            case 3 -> {
                int length = rnd.nextInt(b.length);
                log.add("truncate to " + length);
                b = Arrays.copyOf(b, length);
            }
            case 4 -> b = insert(b, at, randomBytes(1 + rnd.nextInt(64)), "random");
            case 5 -> {
                int n = Math.min(b.length - at, 1 + rnd.nextInt(64));
                log.add("delete " + n + " at " + at);
                byte[] out = new byte[b.length - n];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + n, out, at, out.length - at);
                b = out;
            }
            case 6 -> b = insert(b, position(b.length, hotStart, hotEnd), chunk(b, at), "duplicate of " + at);
            case 7 -> { // overwrite in place with bytes from elsewhere in the file (splices structure)
                byte[] c = chunk(b, at);
                int to = position(b.length, hotStart, hotEnd);
                int n = Math.min(c.length, b.length - to);
                log.add("copy " + n + " bytes from " + at + " over " + to);
                b = b.clone();
                System.arraycopy(c, 0, b, to, n);
            }
            default -> {
                int n = Math.min(b.length - at, 1 + rnd.nextInt(8));
                log.add("random " + n + " bytes at " + at);
                b = b.clone();
                System.arraycopy(randomBytes(n), 0, b, at, n);
            }
        }
        return b;
    }

    /** A 2-, 4- or 8-byte interesting value, little- or big-endian, written over {@code at}. */
    private byte[] interestingInt(byte[] b, int at) {
        int width = new int[] {2, 4, 8}[rnd.nextInt(3)];
        long v = INTERESTING[rnd.nextInt(INTERESTING.length)];
        if (rnd.nextInt(4) == 0) v = rnd.nextBoolean() ? v + 1 : v - 1;
        ByteOrder order = rnd.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        ByteBuffer buf = ByteBuffer.allocate(8).order(order);
        if (width == 2) buf.putShort((short) v);
        else if (width == 4) buf.putInt((int) v);
        else buf.putLong(v);
        log.add(width * 8 + "-bit " + (order == ByteOrder.BIG_ENDIAN ? "BE " : "LE ") + v + " at " + at);
        return overwrite(b, at, Arrays.copyOf(buf.array(), width));
    }

    /** {@code value} written at {@code at}, clipped to the array (for structure-aware callers that know where a field is). */
    public byte[] overwrite(byte[] b, int at, byte[] value) {
        byte[] out = b.clone();
        System.arraycopy(value, 0, out, at, Math.min(value.length, out.length - at));
        return out;
    }

    public byte[] insert(byte[] b, int at, byte[] chunk, String what) {
        log.add("insert " + chunk.length + " " + what + " bytes at " + at);
        byte[] out = new byte[b.length + chunk.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(chunk, 0, out, at, chunk.length);
        System.arraycopy(b, at, out, at + chunk.length, b.length - at);
        return out;
    }

    private byte[] chunk(byte[] b, int at) {
        return Arrays.copyOfRange(b, at, Math.min(b.length, at + 1 + rnd.nextInt(64)));
    }

    private byte[] randomBytes(int n) {
        byte[] r = new byte[n];
        for (int i = 0; i < n; i++) r[i] = (byte) rnd.nextInt(256);
        return r;
    }

    private int position(int length, int hotStart, int hotEnd) {
        int end = Math.min(hotEnd, length);
        if (hotStart < end && rnd.nextBoolean()) return hotStart + rnd.nextInt(end - hotStart);
        return rnd.nextInt(length);
    }

    /** A big-endian (PNG, JPEG) or little-endian field of {@code width} bytes set to an extreme or scaled-up value. */
    public byte[] lieAboutSize(byte[] b, int at, int width, ByteOrder order, String field) {
        long max = width >= 8 ? Long.MAX_VALUE : (1L << (8 * width)) - 1;
        long v = switch (rnd.nextInt(5)) {
            case 0 -> 0;
            case 1 -> max;
            case 2 -> max / 2 + 1;
            case 3 -> Math.min(max, 1L << rnd.nextInt(8 * width));
            default -> rnd.nextLong(max);
        };
        log.add(field + " := " + v);
        byte[] value = new byte[width];
        for (int i = 0; i < width; i++) value[i] = (byte) (v >>> (8 * (order == ByteOrder.BIG_ENDIAN ? width - 1 - i : i)));
        return overwrite(b, at, value);
    }

    // ---- JSON ----

    /** One to three stacked tree mutations of a deep copy of {@code root}, serialized. */
    public byte[] mutateJson(JsonNode root) {
        JsonNode out = root.deepCopy();
        for (int k = 1 + rnd.nextInt(3); k > 0; k--) mutateJsonOnce(out);
        // Jackson will not write nesting deeper than 1000, so deep nesting is spliced into the text.
        String deep = "[".repeat(DEEP) + "]".repeat(DEEP);
        return out.toString().replace("\"" + DEEP_MARK + "\"", deep).getBytes(StandardCharsets.UTF_8);
    }

    private void mutateJsonOnce(JsonNode root) {
        List<String> paths = new ArrayList<>();
        List<JsonNode> parents = new ArrayList<>();
        List<Object> keys = new ArrayList<>();
        collect(root, "", paths, parents, keys);
        if (paths.isEmpty()) return;
        int i = rnd.nextInt(paths.size());
        JsonNode parent = parents.get(i);
        Object key = keys.get(i);
        JsonNode old = key instanceof String s ? parent.get(s) : parent.get((Integer) key);
        if (rnd.nextInt(8) == 0) {
            log.add("remove " + paths.get(i));
            if (parent instanceof ObjectNode o) o.remove((String) key);
            else ((ArrayNode) parent).remove((Integer) key);
            return;
        }
        JsonNode value = rnd.nextInt(6) == 0 ? parents.get(rnd.nextInt(parents.size())).deepCopy() : wrongValue(old);
        log.add(paths.get(i) + " := " + abbreviate(value.toString()));
        if (parent instanceof ObjectNode o) o.set((String) key, value);
        else ((ArrayNode) parent).set((Integer) key, value);
    }

    private static void collect(JsonNode node, String path, List<String> paths, List<JsonNode> parents, List<Object> keys) {
        if (node instanceof ObjectNode o) {
            o.fieldNames().forEachRemaining(name -> {
                paths.add(path + "." + name);
                parents.add(o);
                keys.add(name);
                collect(o.get(name), path + "." + name, paths, parents, keys);
            });
        } else if (node instanceof ArrayNode a) {
            for (int j = 0; j < a.size(); j++) {
                paths.add(path + "[" + j + "]");
                parents.add(a);
                keys.add(j);
                collect(a.get(j), path + "[" + j + "]", paths, parents, keys);
            }
        }
    }

    /** A value a careless reader would mishandle; numbers are nudged or blown up more often than replaced. */
    private JsonNode wrongValue(JsonNode old) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (old.isNumber() && rnd.nextBoolean()) {
            long v = old.asLong();
            return switch (rnd.nextInt(7)) {
                case 0 -> f.numberNode(v + 1);
                case 1 -> f.numberNode(v - 1);
                case 2 -> f.numberNode(-v);
                case 3 -> f.numberNode(v * 1_000_000_000L);
                case 4 -> f.numberNode(v + (1L << 32));
                case 5 -> f.numberNode(old.asDouble() + 0.5);
                default -> f.numberNode(0);
            };
        }
        return switch (rnd.nextInt(16)) {
            case 0 -> f.nullNode();
            case 1 -> f.booleanNode(true);
            case 2 -> f.textNode("");
            case 3 -> f.textNode("x".repeat(1 + rnd.nextInt(100_000)));
            case 4 -> f.numberNode(-1);
            case 5 -> f.numberNode(0);
            case 6 -> f.numberNode(1_000_000_000);
            case 7 -> f.numberNode(Long.MAX_VALUE);
            case 8 -> f.numberNode(new BigInteger("18446744073709551617")); // 2^64 + 1
            case 9 -> f.numberNode(1e308);
            case 10 -> f.numberNode(-1e-308);
            case 11 -> f.arrayNode();
            case 12 -> f.objectNode();
            case 13 -> f.arrayNode().add(1_000_000_000).add(1_000_000_000);
            case 14 -> f.textNode(DEEP_MARK);
            default -> f.textNode(old.isTextual() ? old.textValue().toUpperCase() + "\u0000" : old.toString());
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
