package io.qvit.check;

import io.qvit.backend.AttentionQuantization;
import io.qvit.backend.Backend;
import io.qvit.backend.ElementType;
import io.qvit.backend.QuantizedRows;
import io.qvit.backend.QuantizedWeights;
import io.qvit.backend.RowQuantization;
import io.qvit.backend.Tensor;
import io.qvit.quant.PackedCodes;
import io.qvit.quant.QuantParams;
import java.util.ArrayList;
import java.util.List;

/**
 * Two backends run in lockstep: every op runs on both (the reference's inputs are the reference's,
 * the other's its own), and the first few ops whose outputs differ are recorded with how much, so a
 * whole forward says where a kernel first departs from its CPU twin rather than only that the logits
 * differ. For checks only (the device run's parity checks, the CUDA tests): it doubles the work and
 * reads every output back.
 */
public final class Lockstep implements Backend {
    /** An op whose outputs differed: how many elements, and the largest difference. */
    public record Departure(int op, String name, long elements, long differing, double largest) {}

    private record Both(Tensor ref, Tensor other) implements Tensor {
        @Override
        public int[] shape() {
            return ref.shape();
        }

        @Override
        public ElementType type() {
            return ref.type();
        }

        @Override
        public void close() {
            ref.close();
            other.close();
        }
    }

    private final Backend ref, other;
    private final List<Departure> departures = new ArrayList<>();
    private int ops;

    public Lockstep(Backend ref, Backend other) {
        this.ref = ref;
        this.other = other;
    }

    public List<Departure> departures() {
        return departures;
    }

    private static Tensor r(Tensor t) {
        return t == null ? null : ((Both) t).ref;
    }

    private static Tensor o(Tensor t) {
        return t == null ? null : ((Both) t).other;
    }

    private Tensor both(String name, Tensor a, Tensor b) {
        if (a == null) return null;
        Both t = new Both(a, b);
        compare(name, t);
        return t;
    }

    private void compare(String name, Both t) {
        ops++;
        long n = t.ref.numel(), differing = 0;
        double largest = 0;
        if (t.type() == ElementType.F32) {
            float[] a = ref.toHost(t.ref), b = other.toHost(t.other);
            for (int i = 0; i < n; i++)
                if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                    differing++;
                    largest = Math.max(largest, Math.abs((double) a[i] - b[i]));
                }
        } else {
            int[] a = ref.toHostInts(t.ref), b = other.toHostInts(t.other);
            for (int i = 0; i < n; i++)
                if (a[i] != b[i]) {
                    differing++;
                    largest = Math.max(largest, Math.abs((double) a[i] - b[i]));
                }
        }
        if (differing > 0 && departures.size() < 200) departures.add(new Departure(ops, name, n, differing, largest));
    }

    private QuantizedRows rows(String name, QuantizedRows a, QuantizedRows b) {
        QuantizedRows q = new QuantizedRows(new Both(a.codes(), b.codes()), new Both(a.scales(), b.scales()),
                new Both(a.zeroPoints(), b.zeroPoints()), a.format());
        compare(name + " codes", (Both) q.codes());
        compare(name + " scales", (Both) q.scales());
        return q;
    }

    private static QuantizedRows r(QuantizedRows q) {
        return new QuantizedRows(r(q.codes()), r(q.scales()), r(q.zeroPoints()), q.format());
    }

    private static QuantizedRows o(QuantizedRows q) {
        return new QuantizedRows(o(q.codes()), o(q.scales()), o(q.zeroPoints()), q.format());
    }

    private static RowQuantization r(RowQuantization q) {
        return new RowQuantization(q.format(), r(q.divisors()), q.rotate(), q.perRow(), q.scale(), q.zeroPoint());
    }

    private static RowQuantization o(RowQuantization q) {
        return new RowQuantization(q.format(), o(q.divisors()), q.rotate(), q.perRow(), q.scale(), q.zeroPoint());
    }

    private static Epilogue r(Epilogue e) {
        return new Epilogue(r(e.bias()), e.gelu(), r(e.residual()), r(e.gamma()));
    }

    private static Epilogue o(Epilogue e) {
        return new Epilogue(o(e.bias()), e.gelu(), o(e.residual()), o(e.gamma()));
    }

    @Override
    public String name() {
        return ref.name() + " | " + other.name();
    }

    @Override
    public Tensor fromHost(float[] data, int... shape) {
        return new Both(ref.fromHost(data, shape), other.fromHost(data, shape));
    }

    @Override
    public void copyFromHost(float[] data, Tensor dst) {
        ref.copyFromHost(data, r(dst));
        other.copyFromHost(data, o(dst));
    }

    @Override
    public float[] toHost(Tensor t) {
        return ref.toHost(r(t));
    }

    @Override
    public int[] toHostInts(Tensor t) {
        return ref.toHostInts(r(t));
    }

    @Override
    public QuantizedWeights uploadWeights(PackedCodes codes, QuantParams params) {
        QuantizedWeights a = ref.uploadWeights(codes, params), b = other.uploadWeights(codes, params);
        return new QuantizedWeights(new Both(a.codes(), b.codes()), new Both(a.scales(), b.scales()), new Both(a.zeroPoints(), b.zeroPoints()), a.format());
    }

    @Override
    public Tensor patchRows(Tensor images, int patch) {
        return both("patchRows", ref.patchRows(r(images), patch), other.patchRows(o(images), patch));
    }

    @Override
    public Tensor assembleTokens(Tensor patches, int batch, List<Tensor> prefix, Tensor pos, boolean posCoversPrefix) {
        return both("assembleTokens", ref.assembleTokens(r(patches), batch, prefix.stream().map(Lockstep::r).toList(), r(pos), posCoversPrefix),
                other.assembleTokens(o(patches), batch, prefix.stream().map(Lockstep::o).toList(), o(pos), posCoversPrefix));
    }

    @Override
    public Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        return both("layerNorm", ref.layerNorm(r(x), r(gamma), r(beta), eps), other.layerNorm(o(x), o(gamma), o(beta), eps));
    }

    @Override
    public Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return both("linear", ref.linear(r(x), r(weight), r(bias)), other.linear(o(x), o(weight), o(bias)));
    }

    @Override
    public Tensor attention(Tensor qkv, int batch, int tokens, int heads, float scale) {
        return both("attention", ref.attention(r(qkv), batch, tokens, heads, scale), other.attention(o(qkv), batch, tokens, heads, scale));
    }

    @Override
    public void geluInPlace(Tensor x) {
        ref.geluInPlace(r(x));
        other.geluInPlace(o(x));
        compare("gelu", (Both) x);
    }

    @Override
    public void addInPlace(Tensor x, Tensor y, Tensor gamma) {
        ref.addInPlace(r(x), r(y), r(gamma));
        other.addInPlace(o(x), o(y), o(gamma));
        compare("add", (Both) x);
    }

    @Override
    public Tensor selectToken(Tensor x, int batch, int tokens, int index) {
        return both("selectToken", ref.selectToken(r(x), batch, tokens, index), other.selectToken(o(x), batch, tokens, index));
    }

    @Override
    public QuantizedRows quantizeRows(Tensor x, RowQuantization recipe) {
        return rows("quantizeRows", ref.quantizeRows(r(x), r(recipe)), other.quantizeRows(o(x), o(recipe)));
    }

    @Override
    public QuantizedRows layerNormQuantizeRows(Tensor x, Tensor gamma, Tensor beta, float eps, RowQuantization recipe) {
        return rows("layerNormQuantizeRows", ref.layerNormQuantizeRows(r(x), r(gamma), r(beta), eps, r(recipe)),
                other.layerNormQuantizeRows(o(x), o(gamma), o(beta), eps, o(recipe)));
    }

    @Override
    public Tensor integerLinear(QuantizedRows x, QuantizedWeights w, Epilogue epilogue) {
        QuantizedWeights rw = new QuantizedWeights(r(w.codes()), r(w.scales()), r(w.zeroPoints()), w.format()),
                ow = new QuantizedWeights(o(w.codes()), o(w.scales()), o(w.zeroPoints()), w.format());
        Tensor a = ref.integerLinear(r(x), rw, r(epilogue)), b = other.integerLinear(o(x), ow, o(epilogue));
        if (a == null) {
            compare("integerLinear residual" + (epilogue.gelu() ? " (gelu)" : ""), (Both) epilogue.residual());
            return null;
        }
        return both("integerLinear" + (epilogue.gelu() ? " (gelu)" : ""), a, b);
    }

    @Override
    public QuantizedRows integerLinearRequantized(QuantizedRows x, QuantizedWeights w, Epilogue epilogue, RowQuantization next) {
        QuantizedWeights rw = new QuantizedWeights(r(w.codes()), r(w.scales()), r(w.zeroPoints()), w.format()),
                ow = new QuantizedWeights(o(w.codes()), o(w.scales()), o(w.zeroPoints()), w.format());
        return rows("integerLinearRequantized" + (epilogue.gelu() ? " (gelu)" : ""), ref.integerLinearRequantized(r(x), rw, r(epilogue), r(next)),
                other.integerLinearRequantized(o(x), ow, o(epilogue), o(next)));
    }

    @Override
    public Tensor quantizedAttention(Tensor qkv, int batch, int tokens, int heads, AttentionQuantization quant) {
        return both("quantizedAttention", ref.quantizedAttention(r(qkv), batch, tokens, heads, quant),
                other.quantizedAttention(o(qkv), batch, tokens, heads, quant));
    }

    @Override
    public void close() {
        ref.close();
        other.close();
    }
}
