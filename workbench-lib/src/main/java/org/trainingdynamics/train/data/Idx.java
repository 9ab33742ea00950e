package org.trainingdynamics.train.data;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.trainingdynamics.trajectory.TrajectoryFormatException;

/**
 * Reader of the IDX format of (Fashion-)MNIST (LeCun et al.): two zero bytes, a type byte (0x08 unsigned
 * byte is the one these data sets use), the number of dimensions, one big-endian int32 per dimension,
 * then the values in row-major order. Files may be gzip-compressed ({@code .gz}, as Debian ships them).
 * A truncated, over-long or corrupt file raises {@link TrajectoryFormatException} naming the file and
 * the problem.
 */
public final class Idx {
    private static final long MAX_VALUES = Integer.MAX_VALUE - 8;

    private Idx() {
    }

    /**
     * An IDX array of unsigned bytes.
     *
     * @param shape dimensions
     * @param data  values, row-major, each 0..255 stored as a byte
     */
    public record UByteArray(int[] shape, byte[] data) {
        /** Value at flat index i as 0..255. */
        public int get(int i) {
            return data[i] & 0xFF;
        }
    }

    /** Reads an unsigned-byte IDX file ({@code .gz} or plain). */
    public static UByteArray readUBytes(Path file) {
        byte[] raw;
        try (InputStream in = open(file)) {
            raw = readAll(in, file);
        } catch (NoSuchFileException e) {
            throw new TrajectoryFormatException(file, "file not found");
        } catch (ZipException | EOFException e) {
            throw new TrajectoryFormatException(file, "corrupt or truncated gzip stream (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new TrajectoryFormatException(file, "cannot read: " + e.getMessage(), e);
        }
        return parse(raw, file);
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
    }

    private static byte[] readAll(InputStream in, Path file) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        in.transferTo(out);
        return out.toByteArray();
    }

    static UByteArray parse(byte[] raw, Path file) {
        if (raw.length < 4) {
            throw new TrajectoryFormatException(file, "only " + raw.length + " bytes; an IDX file starts with a 4-byte magic number");
        }
        if (raw[0] != 0 || raw[1] != 0) {
            throw new TrajectoryFormatException(file, "not an IDX file (magic number must start with two zero bytes, got "
                    + String.format("0x%02x%02x", raw[0], raw[1]) + ")");
        }
        int type = raw[2] & 0xFF;
        if (type != 0x08) {
            throw new TrajectoryFormatException(file, String.format("IDX element type 0x%02x is not supported "
                    + "(only 0x08, unsigned byte, as in (Fashion-)MNIST)", type));
        }
        int ndim = raw[3] & 0xFF;
        if (ndim < 1) {
            throw new TrajectoryFormatException(file, "IDX header declares 0 dimensions");
        }
        int header = 4 + 4 * ndim;
        if (raw.length < header) {
            throw new TrajectoryFormatException(file, "truncated header: " + ndim + " dimensions need " + header
                    + " bytes, file has " + raw.length);
        }
        int[] shape = new int[ndim];
        long count = 1;
        for (int i = 0; i < ndim; i++) {
            int o = 4 + 4 * i;
            shape[i] = ((raw[o] & 0xFF) << 24) | ((raw[o + 1] & 0xFF) << 16) | ((raw[o + 2] & 0xFF) << 8) | (raw[o + 3] & 0xFF);
            if (shape[i] < 0) {
                throw new TrajectoryFormatException(file, "negative dimension in header " + Arrays.toString(shape));
            }
            count *= shape[i];
            if (count > MAX_VALUES) {
                throw new TrajectoryFormatException(file, "header declares more values than fit in memory: " + Arrays.toString(shape));
            }
        }
        long have = raw.length - header;
        if (have < count) {
            throw new TrajectoryFormatException(file, "truncated: shape " + Arrays.toString(shape) + " needs " + count
                    + " data bytes, file has " + have);
        }
        if (have > count) {
            throw new TrajectoryFormatException(file, (have - count) + " bytes after the " + count
                    + " declared by shape " + Arrays.toString(shape) + "; file is corrupt");
        }
        return new UByteArray(shape, Arrays.copyOfRange(raw, header, raw.length));
    }
}
