package org.trainingdynamics.trajectory.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.trainingdynamics.trajectory.DType;
import org.trainingdynamics.trajectory.NpyArray;
import org.trainingdynamics.trajectory.TrajectoryFormatException;

/**
 * Reads {@code .safetensors} files (the Hugging Face format: an 8-byte little-endian header length, a JSON
 * header mapping each tensor name to {@code dtype}, {@code shape} and {@code data_offsets [begin, end)}
 * relative to the end of the header, an optional {@code __metadata__} string map, then the raw
 * little-endian C-order bytes). The file is memory-mapped; tensors are views, nothing is copied.
 * Supported dtypes: F64, F32, F16, BF16 and the integer/bool types; others (F8, complex, unsigned
 * 16/32/64) are rejected by name.
 */
public final class SafetensorsReader {
    /** Headers above this size are rejected as corrupt (the reference implementation caps them at 100 MB). */
    static final long MAX_HEADER = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private SafetensorsReader() {
    }

    /**
     * A parsed safetensors file.
     *
     * @param tensors  tensors in header order, each a view of the mapped file
     * @param metadata the {@code __metadata__} map (empty when absent)
     */
    public record Contents(Map<String, NpyArray> tensors, Map<String, String> metadata) {
    }

    /**
     * Reads and validates a safetensors file. Each tensor is memory-mapped separately, so files above 2 GiB
     * work as long as each tensor is below 2 GiB.
     */
    public static Contents read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new TrajectoryFormatException(file, "not a safetensors file: only " + size + " bytes (truncated?)");
            }
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0);
            long n = checkHeaderLength(file, len.getLong(0), size);
            ByteBuffer hb = ByteBuffer.allocate((int) n);
            readFully(ch, hb, 8);
            return build(file, hb.array(), size, (begin, bytes) -> ch.map(FileChannel.MapMode.READ_ONLY, begin, bytes));
        } catch (NoSuchFileException e) {
            throw new TrajectoryFormatException(file, "file not found");
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new TrajectoryFormatException(file, "cannot read: " + e.getMessage());
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                throw new java.io.EOFException("unexpected end of file");
            }
        }
    }

    private static long checkHeaderLength(Path file, long n, long size) {
        if (n <= 0 || n > MAX_HEADER || n > size - 8) {
            throw new TrajectoryFormatException(file, "corrupt safetensors header: header length " + n
                    + (n > 0 && n <= MAX_HEADER ? " exceeds the file (" + size + " bytes; truncated?)" : " is implausible"));
        }
        return n;
    }

    private interface Regions {
        ByteBuffer region(long begin, long bytes) throws IOException;
    }

    /** Parses a complete safetensors image held in a buffer; {@code file} names it in errors. */
    public static Contents parse(Path file, ByteBuffer all) {
        ByteBuffer b = all.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long size = b.remaining();
        if (size < 8) {
            throw new TrajectoryFormatException(file, "not a safetensors file: only " + size + " bytes (truncated?)");
        }
        long n = checkHeaderLength(file, b.getLong(0), size);
        byte[] hb = new byte[(int) n];
        b.get(8, hb);
        try {
            return build(file, hb, size, (begin, bytes) -> b.slice((int) begin, (int) bytes));
        } catch (IOException e) {
            throw new TrajectoryFormatException(file, "cannot read: " + e.getMessage());
        }
    }

    private static Contents build(Path file, byte[] hb, long size, Regions regions) throws IOException {
        long n = hb.length;
        JsonNode root;
        try {
            root = JSON.readTree(hb);
        } catch (IOException e) {
            throw new TrajectoryFormatException(file, "corrupt safetensors header: invalid JSON ("
                    + firstLine(e.getMessage()) + ")");
        }
        if (root == null || !root.isObject()) {
            throw new TrajectoryFormatException(file, "corrupt safetensors header: not a JSON object");
        }
        long dataStart = 8 + n;
        long dataLen = size - dataStart;
        Map<String, NpyArray> tensors = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals("__metadata__")) {
                if (!v.isObject()) {
                    throw new TrajectoryFormatException(file, "corrupt safetensors header: __metadata__ is not an object");
                }
                v.fields().forEachRemaining(m -> meta.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            if (!v.isObject() || !v.path("dtype").isTextual() || !v.path("shape").isArray()
                    || !v.path("data_offsets").isArray() || v.path("data_offsets").size() != 2) {
                throw new TrajectoryFormatException(file, name, "corrupt safetensors header entry " + abbreviate(v.toString())
                        + " (need dtype, shape and data_offsets [begin, end])");
            }
            String dt = v.get("dtype").asText();
            DType dtype = DType.fromSafetensorsName(dt);
            if (dtype == null) {
                throw new TrajectoryFormatException(file, name, "unsupported dtype " + dt
                        + " (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)");
            }
            long[] shape = new long[v.get("shape").size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                JsonNode d = v.get("shape").get(i);
                if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                    throw new TrajectoryFormatException(file, name, "corrupt shape " + v.get("shape"));
                }
                shape[i] = d.asLong();
                try {
                    count = Math.multiplyExact(count, shape[i]);
                } catch (ArithmeticException x) {
                    throw new TrajectoryFormatException(file, name, "shape " + Arrays.toString(shape) + " overflows");
                }
            }
            JsonNode off = v.get("data_offsets");
            if (!off.get(0).isIntegralNumber() || !off.get(1).isIntegralNumber()) {
                throw new TrajectoryFormatException(file, name, "corrupt data_offsets " + off);
            }
            long begin = off.get(0).asLong();
            long end = off.get(1).asLong();
            if (begin < 0 || end < begin || end > dataLen) {
                throw new TrajectoryFormatException(file, name, "data_offsets [" + begin + ", " + end
                        + ") outside the " + dataLen + " data bytes (truncated file?)");
            }
            long need;
            try {
                need = Math.multiplyExact(count, dtype.size());
            } catch (ArithmeticException x) {
                throw new TrajectoryFormatException(file, name, "shape " + Arrays.toString(shape) + " overflows");
            }
            if (end - begin != need) {
                throw new TrajectoryFormatException(file, name, "data_offsets span " + (end - begin) + " bytes but shape "
                        + Arrays.toString(shape) + " of " + dt + " needs " + need);
            }
            if (need > Integer.MAX_VALUE - 64) {
                throw new TrajectoryFormatException(file, name, "tensor of " + need + " bytes is above 2 GiB (not supported)");
            }
            ByteBuffer slice = regions.region(dataStart + begin, need).order(ByteOrder.LITTLE_ENDIAN);
            if (tensors.put(name, NpyArray.wrap(dtype, shape, slice)) != null) {
                throw new TrajectoryFormatException(file, name, "tensor appears twice in the header");
            }
        }
        return new Contents(Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(meta));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String abbreviate(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }
}
