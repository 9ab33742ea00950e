package org.trainingdynamics.trajectory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a NumPy {@code .npy} file (format versions 1.0, 2.0 and 3.0, as specified in
 * {@code numpy/lib/format.py}): element type, memory order, shape and where the data starts.
 *
 * @param dtype        element type
 * @param fortranOrder true when the data is stored column-major
 * @param shape        array shape (empty for a scalar)
 * @param dataOffset   byte offset of the first element
 */
public record NpyHeader(DType dtype, boolean fortranOrder, long[] shape, long dataOffset) {

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");
    /** Headers longer than this are rejected as corrupt (NumPy itself caps them at 10 000 bytes by default). */
    static final int MAX_HEADER = 1 << 20;

    public NpyHeader {
        shape = shape.clone();
    }

    /** Defensive copy of the shape. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements (product of the shape; 1 for a scalar). */
    public long elementCount() {
        long n = 1;
        for (long s : shape) {
            n = Math.multiplyExact(n, s);
        }
        return n;
    }

    /** Bytes of element data the header promises. */
    public long dataBytes() {
        return Math.multiplyExact(elementCount(), dtype.size());
    }

    /**
     * Parses a header from the first bytes of a file.
     *
     * @param file   the file name used in error messages
     * @param head   at least the first {@code min(fileSize, 10 + headerLen)} bytes
     * @param fileSize total file size, used to check the data is complete
     */
    static NpyHeader parse(Path file, ByteBuffer head, long fileSize) {
        head = head.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (head.remaining() < 10) {
            throw new TrajectoryFormatException(file, "not a .npy file: only " + head.remaining() + " bytes (truncated?)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (head.get(i) != MAGIC[i]) {
                throw new TrajectoryFormatException(file, "not a .npy file: bad magic bytes");
            }
        }
        int major = head.get(6) & 0xff;
        long headerLen;
        int prefix;
        if (major == 1) {
            headerLen = head.getShort(8) & 0xffff;
            prefix = 10;
        } else if (major == 2 || major == 3) {
            if (head.remaining() < 12) {
                throw new TrajectoryFormatException(file, "truncated .npy header");
            }
            headerLen = head.getInt(8) & 0xffffffffL;
            prefix = 12;
        } else {
            throw new TrajectoryFormatException(file, "unsupported .npy format version " + major + " (expected 1, 2 or 3)");
        }
        if (headerLen > MAX_HEADER) {
            throw new TrajectoryFormatException(file, "corrupt .npy header: header length " + headerLen + " is implausible");
        }
        if (head.remaining() < prefix + headerLen) {
            throw new TrajectoryFormatException(file, "truncated .npy header: expected " + (prefix + headerLen)
                    + " header bytes, file has " + head.remaining());
        }
        byte[] dictBytes = new byte[(int) headerLen];
        head.get(prefix, dictBytes);
        String dict = new String(dictBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher md = DESCR.matcher(dict);
        Matcher mf = FORTRAN.matcher(dict);
        Matcher ms = SHAPE.matcher(dict);
        if (!md.find() || !mf.find() || !ms.find()) {
            throw new TrajectoryFormatException(file, "corrupt .npy header (need descr, fortran_order and shape): "
                    + abbreviate(dict));
        }
        String descr = md.group(1);
        DType dtype = DType.fromNumpyDescr(descr);
        if (dtype == null) {
            throw new TrajectoryFormatException(file, "unsupported dtype '" + descr
                    + "' (supported: little-endian float64/32/16, int64/32/16/8, uint8, bool)");
        }
        List<Long> dims = new ArrayList<>();
        for (String part : ms.group(1).split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            if (p.endsWith("L")) {
                p = p.substring(0, p.length() - 1);
            }
            try {
                long v = Long.parseLong(p);
                if (v < 0) {
                    throw new NumberFormatException();
                }
                dims.add(v);
            } catch (NumberFormatException e) {
                throw new TrajectoryFormatException(file, "corrupt .npy header: bad shape entry '" + part.trim() + "'");
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        NpyHeader h = new NpyHeader(dtype, "True".equals(mf.group(1)), shape, prefix + headerLen);
        long need;
        try {
            need = Math.addExact(h.dataOffset(), h.dataBytes());
        } catch (ArithmeticException e) {
            throw new TrajectoryFormatException(file, "corrupt .npy header: shape " + Arrays.toString(shape) + " overflows");
        }
        if (fileSize >= 0 && fileSize < need) {
            throw new TrajectoryFormatException(file, "truncated .npy data: shape " + Arrays.toString(shape) + " of "
                    + dtype.manifestName() + " needs " + need + " bytes, file has " + fileSize);
        }
        return h;
    }

    /**
     * Encodes a version-1.0 header (version 2.0 when it would not fit), padded with spaces so the data
     * starts at a multiple of 64 bytes and at least {@code minTotal} bytes into the file.
     */
    static byte[] encode(DType dtype, long[] shape, int minTotal) {
        if (dtype.numpyDescr() == null) {
            throw new IllegalArgumentException("dtype " + dtype + " cannot be stored in .npy; widen to float32 first");
        }
        StringBuilder sb = new StringBuilder("{'descr': '").append(dtype.numpyDescr())
                .append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            sb.append(shape[i]);
            if (shape.length == 1 || i < shape.length - 1) {
                sb.append(shape.length == 1 ? "," : ", ");
            }
        }
        sb.append("), }");
        String dict = sb.toString();
        int prefix = 10;
        int total = prefix + dict.length() + 1;
        if (total > 65535) {
            prefix = 12;
            total = prefix + dict.length() + 1;
        }
        total = Math.max(total, minTotal);
        total = (total + 63) / 64 * 64;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC);
        b.put((byte) (prefix == 10 ? 1 : 2)).put((byte) 0);
        int hl = total - prefix;
        if (prefix == 10) {
            b.putShort((short) hl);
        } else {
            b.putInt(hl);
        }
        b.put(dict.getBytes(StandardCharsets.ISO_8859_1));
        while (b.position() < total - 1) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n');
        return b.array();
    }

    private static String abbreviate(String s) {
        s = s.replaceAll("[^\\x20-\\x7e]", "?");
        return s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }
}
