package io.qvit.model.weights;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pickle interpreter for data, not code: it knows the opcodes that torch.save emits (protocols 2 to
 * 5) and builds plain Java values (String, Long, BigInteger, Double, Boolean, null, {@link Tuple},
 * List, Map). Globals and persistent ids are resolved only through a {@link Resolver}, which decides
 * what may be called; nothing is ever looked up by reflection, so a hostile pickle cannot run code.
 * Every length is checked against the bytes that remain before anything is allocated.
 */
final class Unpickler {
    /** Decides what GLOBAL names and persistent ids mean; refuses by throwing. */
    interface Resolver {
        Object global(String module, String name) throws PickleException;

        Object persistentLoad(Object pid) throws PickleException;
    }

    /** What a resolver returns for a global that REDUCE may call. */
    interface Callable {
        Object call(List<Object> args) throws PickleException;
    }

    /** A pickled tuple; distinct from List so that APPEND cannot modify it. */
    record Tuple(List<Object> items) {}

    /**
     * Values pushed or memoised, and marks set. A few thousand suffice for a ViT state_dict and a training checkpoint
     * with optimizer state stays far below this; the cap stops a small pickle from building hundreds
     * of millions of containers and exhausting the heap.
     */
    static final int MAX_VALUES = 5_000_000;

    private final ByteBuffer in;
    private final Resolver resolver;
    private final List<Object> stack = new ArrayList<>();
    /** Stack heights at each open MARK, as CPython keeps them. */
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private int values;

    private Unpickler(byte[] data, Resolver resolver) {
        this.in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        this.resolver = resolver;
    }

    static Object load(byte[] data, Resolver resolver) throws PickleException {
        return new Unpickler(data, resolver).run();
    }

    private Object run() throws PickleException {
        while (true) {
            if (!in.hasRemaining()) throw new PickleException("pickle ends without STOP");
            int at = in.position();
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80 -> { // PROTO
                    int proto = u8();
                    if (proto < 2 || proto > 5) throw new PickleException("unsupported pickle protocol " + proto);
                }
                case 0x95 -> u64(); // FRAME: the frame length is only a read-ahead hint
                case '.' -> { // STOP
                    Object result = pop();
                    if (!stack.isEmpty() || !marks.isEmpty()) throw new PickleException("pickle stops with values left on the stack");
                    return result;
                }
                case '(' -> { // MARK
                    spend();
                    marks.add(stack.size());
                }
                case '0' -> pop(); // POP
                case '1' -> popMark(); // POP_MARK
                case '2' -> push(peek()); // DUP
                case '}' -> push(new LinkedHashMap<Object, Object>()); // EMPTY_DICT
                case ']' -> push(new ArrayList<Object>()); // EMPTY_LIST
                case ')' -> push(new Tuple(List.of())); // EMPTY_TUPLE
                case 't' -> push(new Tuple(popMark())); // TUPLE
                case 0x85 -> push(tuple(1)); // TUPLE1
                case 0x86 -> push(tuple(2)); // TUPLE2
                case 0x87 -> push(tuple(3)); // TUPLE3
                case 'X' -> push(utf8(u32())); // BINUNICODE
                case 0x8c -> push(utf8(u8())); // SHORT_BINUNICODE
                case 0x8d -> push(utf8(u64())); // BINUNICODE8
                case 'J' -> push((long) i32()); // BININT
                case 'K' -> push((long) u8()); // BININT1
                case 'M' -> push((long) u16()); // BININT2
                case 0x8a -> push(longLE(u8())); // LONG1
                case 0x8b -> push(longLE(u32())); // LONG4
                case 'G' -> push(f64BigEndian()); // BINFLOAT
                case 'N' -> push(null); // NONE
                case 0x88 -> push(Boolean.TRUE); // NEWTRUE
                case 0x89 -> push(Boolean.FALSE); // NEWFALSE
                case 'c' -> push(resolver.global(line(), line())); // GLOBAL
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) throw new PickleException("STACK_GLOBAL needs two strings");
                    push(resolver.global(m, n));
                }
                case 'R' -> { // REDUCE
                    Object args = pop();
                    Object fn = pop();
                    if (!(fn instanceof Callable c)) throw new PickleException("REDUCE on a value that is not an allowed callable");
                    if (!(args instanceof Tuple t)) throw new PickleException("REDUCE arguments are not a tuple");
                    push(c.call(t.items()));
                }
                case 'b' -> build(pop(), peek()); // BUILD
                case 'Q' -> push(resolver.persistentLoad(pop())); // BINPERSID
                case 's' -> { // SETITEM
                    Object value = pop();
                    Object key = pop();
                    dict(peek()).put(key(key), value);
                }
                case 'u' -> { // SETITEMS
                    List<Object> kv = popMark();
                    if (kv.size() % 2 != 0) throw new PickleException("SETITEMS with an odd number of values");
                    Map<Object, Object> d = dict(peek());
                    for (int i = 0; i < kv.size(); i += 2) d.put(key(kv.get(i)), kv.get(i + 1));
                }
                case 'a' -> { // APPEND
                    Object value = pop();
                    list(peek()).add(value);
                }
                case 'e' -> { // APPENDS
                    List<Object> values = popMark();
                    list(peek()).addAll(values);
                }
                case 0x94 -> memoPut(memo.size()); // MEMOIZE
                case 'q' -> memoPut(u8()); // BINPUT
                case 'r' -> memoPut(u32()); // LONG_BINPUT
                case 'h' -> push(memoGet(u8())); // BINGET
                case 'j' -> push(memoGet(u32())); // LONG_BINGET
                default -> throw new PickleException(String.format("unsupported pickle opcode 0x%02x at byte %d", op, at));
            }
        }
    }

    /** BUILD sets attributes. The only case torch checkpoints need is OrderedDict's _metadata, which qvit does not use. */
    private static void build(Object state, Object target) throws PickleException {
        if (!(target instanceof Map) || !(state == null || state instanceof Map)) {
            throw new PickleException("BUILD is only supported on dicts");
        }
    }

    private void push(Object o) throws PickleException {
        spend();
        stack.add(o);
    }

    private void memoPut(long index) throws PickleException {
        spend();
        memo.put(index, peek());
    }

    private void spend() throws PickleException {
        if (++values > MAX_VALUES) throw new PickleException("pickle builds more than " + MAX_VALUES + " values, far more than any weights checkpoint");
    }

    private Object pop() throws PickleException {
        if (stack.size() <= floor()) throw new PickleException("pickle stack underflow");
        return stack.remove(stack.size() - 1);
    }

    private Object peek() throws PickleException {
        if (stack.size() <= floor()) throw new PickleException("pickle stack underflow");
        return stack.get(stack.size() - 1);
    }

    /** Values below the innermost MARK are out of reach until that mark is popped. */
    private int floor() {
        return marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
    }

    /** Removes and returns the values pushed since the last MARK, oldest first. */
    private List<Object> popMark() throws PickleException {
        if (marks.isEmpty()) throw new PickleException("pickle uses a MARK that was never set");
        List<Object> above = stack.subList(marks.remove(marks.size() - 1), stack.size());
        List<Object> out = new ArrayList<>(above);
        above.clear();
        return out;
    }

    private Tuple tuple(int n) throws PickleException {
        Object[] items = new Object[n];
        for (int i = n - 1; i >= 0; i--) items[i] = pop();
        return new Tuple(Arrays.asList(items));
    }

    private Object memoGet(long index) throws PickleException {
        if (!memo.containsKey(index)) throw new PickleException("pickle refers to memo entry " + index + " that was never stored");
        return memo.get(index);
    }

    /** Dict keys are limited to scalars: they are all torch checkpoints use, and hashing them cannot recurse. */
    private static Object key(Object k) throws PickleException {
        if (k == null || k instanceof String || k instanceof Long || k instanceof BigInteger || k instanceof Boolean || k instanceof Double) return k;
        throw new PickleException("unsupported dict key type " + k.getClass().getSimpleName());
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> dict(Object o) throws PickleException {
        if (o instanceof LinkedHashMap) return (Map<Object, Object>) o;
        throw new PickleException("SETITEM on a value that is not a dict");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) throws PickleException {
        if (o instanceof ArrayList) return (List<Object>) o;
        throw new PickleException("APPEND on a value that is not a list");
    }

    /** Fails unless n more bytes remain; called before reading or allocating anything sized by the stream. */
    private void need(long n) throws PickleException {
        if (n < 0 || n > in.remaining()) throw new PickleException("pickle is truncated (needs " + n + " more bytes, has " + in.remaining() + ")");
    }

    private int u8() throws PickleException {
        need(1);
        return in.get() & 0xff;
    }

    private int u16() throws PickleException {
        need(2);
        return in.getShort() & 0xffff;
    }

    private int i32() throws PickleException {
        need(4);
        return in.getInt();
    }

    private long u32() throws PickleException {
        return i32() & 0xffffffffL;
    }

    private long u64() throws PickleException {
        need(8);
        return in.getLong(); // a u64 over 2^63 reads as negative and then fails need()
    }

    private double f64BigEndian() throws PickleException {
        need(8);
        double v = in.order(ByteOrder.BIG_ENDIAN).getDouble();
        in.order(ByteOrder.LITTLE_ENDIAN);
        return v;
    }

    private byte[] bytes(long n) throws PickleException {
        need(n);
        byte[] b = new byte[(int) n];
        in.get(b);
        return b;
    }

    private String utf8(long n) throws PickleException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes(n))).toString();
        } catch (CharacterCodingException e) {
            throw new PickleException("pickle string is not valid UTF-8");
        }
    }

    /** GLOBAL's arguments: a newline-terminated ASCII line. */
    private String line() throws PickleException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = u8();
            if (c == '\n') return sb.toString();
            if (c < 0x20 || c > 0x7e || sb.length() > 256) throw new PickleException("malformed GLOBAL name");
            sb.append((char) c);
        }
    }

    /** LONG1/LONG4: two's-complement little-endian; a Long when it fits. */
    private Object longLE(long n) throws PickleException {
        byte[] le = bytes(n);
        if (le.length == 0) return 0L;
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) be[i] = le[le.length - 1 - i];
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }
}
