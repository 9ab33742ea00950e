package org.trainingdynamics.trajectory.io;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.trainingdynamics.trajectory.TrajectoryFormatException;

/**
 * A data-only interpreter of the Python pickle protocol (versions 0-5, the binary opcodes), enough to read
 * the {@code data.pkl} of a PyTorch zip checkpoint. It never executes anything: {@code GLOBAL} yields a
 * {@link Global} name, {@code REDUCE}/{@code NEWOBJ} yield a {@link Call} of that name with its arguments
 * (the caller interprets the few calls it knows, e.g. {@code torch._utils._rebuild_tensor_v2}), {@code BUILD}
 * state is kept on the call, and {@code BINPERSID} yields a {@link PersistentId}. Dicts become
 * {@link LinkedHashMap}s (an {@code collections.OrderedDict} call with no arguments becomes one too),
 * tuples unmodifiable lists, Python ints {@code Long}, floats {@code Double}, strings {@code String},
 * {@code None} {@link #NONE}.
 *
 * <p>Every length field is checked against the bytes left before anything is allocated, so a corrupt or
 * hostile pickle fails with a {@link TrajectoryFormatException}, never with an OutOfMemoryError or a hang.
 */
final class Unpickler {
    /** Python's None. */
    static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };
    private static final Object MARK = new Object();

    /** A global name ({@code module.qualname}). */
    record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    /** A call {@code func(*args)} that was not executed; {@code state} is set by a later BUILD. */
    static final class Call {
        final Object func;
        final List<Object> args;
        Object state;

        Call(Object func, List<Object> args) {
            this.func = func;
            this.args = args;
        }

        String funcName() {
            return func instanceof Global g ? g.qualified() : String.valueOf(func);
        }

        @Override
        public String toString() {
            return funcName() + args;
        }
    }

    /** The argument of a BINPERSID opcode (for torch: a tuple {@code ('storage', type, key, location, numel)}). */
    record PersistentId(Object pid) {
    }

    private final Path file;
    private final ByteBuffer in;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private Unpickler(Path file, byte[] data) {
        this.file = file;
        this.in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Interprets a pickle and returns the object it builds. */
    static Object load(Path file, byte[] data) {
        return new Unpickler(file, data).run();
    }

    private TrajectoryFormatException bad(String problem) {
        return new TrajectoryFormatException(file, "corrupt pickle at byte " + in.position() + ": " + problem);
    }

    private void need(long n) {
        if (n < 0 || n > in.remaining()) {
            throw bad("needs " + n + " more bytes, " + in.remaining() + " left (truncated?)");
        }
    }

    private int u8() {
        need(1);
        return in.get() & 0xff;
    }

    private long u32() {
        need(4);
        return in.getInt() & 0xffffffffL;
    }

    private byte[] bytes(long n) {
        need(n);
        byte[] b = new byte[(int) n];
        in.get(b);
        return b;
    }

    private String utf8(long n) {
        byte[] b = bytes(n);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw bad("string is not valid UTF-8");
        }
    }

    private String line() {
        int start = in.position();
        for (int i = start; i < in.limit(); i++) {
            if (in.get(i) == '\n') {
                byte[] b = new byte[i - start];
                in.get(b);
                in.get();
                return new String(b, StandardCharsets.UTF_8);
            }
        }
        throw bad("unterminated text line (truncated?)");
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() {
        if (stack.isEmpty() || (!marks.isEmpty() && marks.get(marks.size() - 1) >= stack.size())) {
            throw bad("stack underflow");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() {
        if (stack.isEmpty()) {
            throw bad("stack underflow");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) {
            throw bad("no MARK on the stack");
        }
        int m = marks.remove(marks.size() - 1);
        List<Object> items = new ArrayList<>(stack.subList(m, stack.size()));
        stack.subList(m, stack.size()).clear();
        return items;
    }

    private static List<Object> tuple(List<Object> items) {
        return Collections.unmodifiableList(items);
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dictOf(Object o, String op) {
        if (o instanceof Map<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        if (o instanceof Call c && c.func instanceof Global g && g.qualified().equals("collections.OrderedDict")) {
            throw bad(op + " on an OrderedDict call that was not turned into a dict");
        }
        throw bad(op + " on a " + typeName(o) + ", expected a dict");
    }

    @SuppressWarnings("unchecked")
    private List<Object> listOf(Object o, String op) {
        if (o instanceof ArrayList<?> l) {
            return (List<Object>) l;
        }
        throw bad(op + " on a " + typeName(o) + ", expected a list");
    }

    static String typeName(Object o) {
        return o == null ? "null" : o == NONE ? "None" : o instanceof Call c ? c.funcName() + "(...)" : o.getClass().getSimpleName();
    }

    private void memoPut(long key, Object v) {
        memo.put(key, v);
    }

    private Object memoGet(long key) {
        Object v = memo.get(key);
        if (v == null) {
            throw bad("memo key " + key + " was never stored");
        }
        return v;
    }

    private Object run() {
        while (true) {
            int op = u8();
            switch (op) {
                case 0x80 -> { // PROTO
                    int v = u8();
                    if (v > 5) {
                        throw bad("unsupported pickle protocol " + v);
                    }
                }
                case 0x95 -> { // FRAME
                    need(8);
                    in.getLong();
                }
                case '.' -> { // STOP
                    if (stack.size() != 1 || !marks.isEmpty()) {
                        throw bad("STOP with " + stack.size() + " objects on the stack");
                    }
                    return stack.get(0);
                }
                case '(' -> marks.add(stack.size());
                case ')' -> push(tuple(new ArrayList<>()));
                case '}' -> push(new LinkedHashMap<>());
                case ']' -> push(new ArrayList<>());
                case 0x8f -> push(new ArrayList<>()); // EMPTY_SET (kept as a list)
                case 'N' -> push(NONE);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'K' -> push((long) u8());
                case 'M' -> {
                    need(2);
                    push((long) (in.getShort() & 0xffff));
                }
                case 'J' -> {
                    need(4);
                    push((long) in.getInt());
                }
                case 0x8a, 0x8b -> { // LONG1, LONG4
                    long n = op == 0x8a ? u8() : u32();
                    if (n > 64) {
                        throw bad("integer of " + n + " bytes is too large");
                    }
                    byte[] le = bytes(n);
                    byte[] be = new byte[(int) n];
                    for (int i = 0; i < n; i++) {
                        be[i] = le[(int) n - 1 - i];
                    }
                    BigInteger bi = n == 0 ? BigInteger.ZERO : new BigInteger(be);
                    if (bi.bitLength() > 63) {
                        throw bad("integer " + bi + " does not fit 64 bits");
                    }
                    push(bi.longValue());
                }
                case 'I', 'L' -> { // INT, LONG (text)
                    String s = line().trim();
                    if (s.endsWith("L")) {
                        s = s.substring(0, s.length() - 1);
                    }
                    if (s.equals("01")) {
                        push(Boolean.TRUE);
                    } else if (s.equals("00")) {
                        push(Boolean.FALSE);
                    } else {
                        try {
                            push(Long.parseLong(s));
                        } catch (NumberFormatException e) {
                            throw bad("bad integer literal '" + s + "'");
                        }
                    }
                }
                case 'G' -> {
                    need(8);
                    push(in.order(ByteOrder.BIG_ENDIAN).getDouble());
                    in.order(ByteOrder.LITTLE_ENDIAN);
                }
                case 'X' -> push(utf8(u32()));
                case 0x8c -> push(utf8(u8()));
                case 0x8d -> {
                    need(8);
                    push(utf8(in.getLong()));
                }
                case 'T' -> push(new String(bytes(u32()), StandardCharsets.ISO_8859_1));
                case 'U' -> push(new String(bytes(u8()), StandardCharsets.ISO_8859_1));
                case 'B' -> push(bytes(u32()));
                case 'C' -> push(bytes(u8()));
                case 0x8e -> {
                    need(8);
                    push(bytes(in.getLong()));
                }
                case 't' -> push(tuple(popMark()));
                case 0x85 -> push(tuple(new ArrayList<>(List.of(pop()))));
                case 0x86 -> {
                    Object b = pop();
                    Object a = pop();
                    push(tuple(new ArrayList<>(List.of(a, b))));
                }
                case 0x87 -> {
                    Object c = pop();
                    Object b = pop();
                    Object a = pop();
                    push(tuple(new ArrayList<>(List.of(a, b, c))));
                }
                case 'l' -> push(new ArrayList<>(popMark()));
                case 'd' -> {
                    List<Object> items = popMark();
                    if (items.size() % 2 != 0) {
                        throw bad("DICT with an odd number of items");
                    }
                    Map<Object, Object> m = new LinkedHashMap<>();
                    for (int i = 0; i < items.size(); i += 2) {
                        m.put(key(items.get(i)), items.get(i + 1));
                    }
                    push(m);
                }
                case 'c' -> push(new Global(line(), line()));
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop();
                    Object module = pop();
                    if (!(name instanceof String n) || !(module instanceof String m)) {
                        throw bad("STACK_GLOBAL needs two strings");
                    }
                    push(new Global(m, n));
                }
                case 'Q' -> push(new PersistentId(pop()));
                case 'R', 0x81 -> { // REDUCE, NEWOBJ
                    Object args = pop();
                    Object func = pop();
                    if (!(args instanceof List<?> a)) {
                        throw bad((op == 'R' ? "REDUCE" : "NEWOBJ") + " arguments are a " + typeName(args) + ", not a tuple");
                    }
                    push(call(func, new ArrayList<>(a)));
                }
                case 0x92 -> { // NEWOBJ_EX
                    pop();
                    Object args = pop();
                    Object func = pop();
                    if (!(args instanceof List<?> a)) {
                        throw bad("NEWOBJ_EX arguments are not a tuple");
                    }
                    push(call(func, new ArrayList<>(a)));
                }
                case 'b' -> { // BUILD
                    Object state = pop();
                    Object target = peek();
                    if (target instanceof Call c) {
                        c.state = state;
                    }
                    // BUILD on a dict (e.g. a state_dict's _metadata attribute) carries nothing we need
                }
                case 's' -> {
                    Object v = pop();
                    Object k = pop();
                    dictOf(peek(), "SETITEM").put(key(k), v);
                }
                case 'u' -> {
                    List<Object> items = popMark();
                    if (items.size() % 2 != 0) {
                        throw bad("SETITEMS with an odd number of items");
                    }
                    Map<Object, Object> m = dictOf(peek(), "SETITEMS");
                    for (int i = 0; i < items.size(); i += 2) {
                        m.put(key(items.get(i)), items.get(i + 1));
                    }
                }
                case 'a' -> {
                    Object v = pop();
                    listOf(peek(), "APPEND").add(v);
                }
                case 'e', 0x90 -> { // APPENDS, ADDITEMS
                    List<Object> items = popMark();
                    listOf(peek(), op == 'e' ? "APPENDS" : "ADDITEMS").addAll(items);
                }
                case 0x91 -> push(new ArrayList<>(popMark())); // FROZENSET
                case 'q' -> memoPut(u8(), peek());
                case 'r' -> memoPut(u32(), peek());
                case 0x94 -> memoPut(memo.size(), peek());
                case 'h' -> push(memoGet(u8()));
                case 'j' -> push(memoGet(u32()));
                case 'p' -> {
                    try {
                        memoPut(Long.parseLong(line().trim()), peek());
                    } catch (NumberFormatException e) {
                        throw bad("bad PUT index");
                    }
                }
                case 'g' -> {
                    try {
                        push(memoGet(Long.parseLong(line().trim())));
                    } catch (NumberFormatException e) {
                        throw bad("bad GET index");
                    }
                }
                case '0' -> pop();
                case '1' -> popMark();
                case '2' -> push(peek());
                default -> {
                    in.position(in.position() - 1);
                    throw bad(String.format("unsupported opcode 0x%02x", op));
                }
            }
        }
    }

    /** Dict keys: strings, numbers and tuples compare by value; anything else by identity. */
    private static Object key(Object k) {
        return k;
    }

    private Object call(Object func, List<Object> args) {
        if (func instanceof Global g && g.qualified().equals("collections.OrderedDict")) {
            if (!args.isEmpty()) {
                throw bad("OrderedDict called with arguments " + args.size() + " (expected an empty call then SETITEMS)");
            }
            return new LinkedHashMap<>();
        }
        return new Call(func, Collections.unmodifiableList(args));
    }
}
