package org.trainingdynamics.kernel;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps {@code System.exit} in a cell from ending the kernel: snippet bytecode is rewritten so that calls to
 * {@code java.lang.System.exit(int)} go to {@link #exit(int)}, which ends only the cell. The rewrite touches
 * one constant-pool entry (the method reference's class), so the instruction stream is unchanged.
 * Library code calling {@code System.exit} and {@code Runtime.exit/halt} are not intercepted.
 */
public final class ExitGuard {
    private static final String SYSTEM = "java/lang/System";
    private static final String SELF = ExitGuard.class.getName().replace('.', '/');

    private ExitGuard() {
    }

    /** Thrown in place of exiting the JVM; the kernel reports it as the cell's error. */
    public static final class ExitRequested extends Error {
        private static final long serialVersionUID = 1L;
        private final int status;

        ExitRequested(int status) {
            super("System.exit(" + status + ") was called in a cell; the kernel keeps running");
            this.status = status;
        }

        /** The status passed to {@code System.exit}. */
        public int status() {
            return status;
        }
    }

    /** Replacement target of {@code System.exit(int)} in cell code. */
    public static void exit(int status) {
        throw new ExitRequested(status);
    }

    /** Returns the class file with {@code System.exit(I)V} references redirected here (or unchanged). */
    static byte[] rewrite(byte[] classFile) {
        try {
            return rewriteOrNull(classFile);
        } catch (IOException | RuntimeException e) {
            return classFile;
        }
    }

    private static byte[] rewriteOrNull(byte[] cf) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(cf));
        if (in.readInt() != 0xCAFEBABE) {
            return cf;
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        int[] tag = new int[count];
        int[] a = new int[count];
        int[] b = new int[count];
        int[] offset = new int[count];
        String[] utf = new String[count];
        int pos = 10;
        for (int i = 1; i < count; i++) {
            offset[i] = pos;
            int t = in.readUnsignedByte();
            tag[i] = t;
            pos++;
            switch (t) {
                case 1 -> {
                    int len = in.readUnsignedShort();
                    byte[] s = in.readNBytes(len);
                    utf[i] = new String(s, StandardCharsets.UTF_8);
                    pos += 2 + len;
                }
                case 3, 4 -> {
                    in.readInt();
                    pos += 4;
                }
                case 5, 6 -> {
                    in.readLong();
                    pos += 8;
                    i++;
                }
                case 7, 8, 16, 19, 20 -> {
                    a[i] = in.readUnsignedShort();
                    pos += 2;
                }
                case 9, 10, 11, 12, 17, 18 -> {
                    a[i] = in.readUnsignedShort();
                    b[i] = in.readUnsignedShort();
                    pos += 4;
                }
                case 15 -> {
                    a[i] = in.readUnsignedByte();
                    b[i] = in.readUnsignedShort();
                    pos += 3;
                }
                default -> {
                    return cf;
                }
            }
        }
        int cpEnd = pos;
        java.util.List<Integer> exits = new java.util.ArrayList<>();
        for (int i = 1; i < count; i++) {
            if (tag[i] == 10 && tag[a[i]] == 7 && SYSTEM.equals(utf[a[a[i]]]) && tag[b[i]] == 12
                    && "exit".equals(utf[a[b[i]]]) && "(I)V".equals(utf[b[b[i]]])) {
                exits.add(i);
            }
        }
        if (exits.isEmpty()) {
            return cf;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(cf.length + 64);
        DataOutputStream d = new DataOutputStream(out);
        d.write(cf, 0, 8);
        d.writeShort(count + 2);
        byte[] pool = java.util.Arrays.copyOfRange(cf, 10, cpEnd);
        int utfIndex = count;
        int classIndex = count + 1;
        for (int i : exits) {
            int at = offset[i] - 10 + 1;
            pool[at] = (byte) (classIndex >> 8);
            pool[at + 1] = (byte) classIndex;
        }
        d.write(pool);
        d.writeByte(1);
        d.writeUTF(SELF);
        d.writeByte(7);
        d.writeShort(utfIndex);
        d.write(cf, cpEnd, cf.length - cpEnd);
        d.flush();
        return out.toByteArray();
    }
}
