package org.trainingdynamics.trajectory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads and writes NumPy {@code .npy} and {@code .npz} files without ND4J's reader (which scrambles
 * Fortran-order arrays and rejects compressed archives). Reads of C-order files are memory-mapped;
 * Fortran-order files are transposed into C order on the heap. Writes are atomic: a temporary file in the
 * same folder is fsynced and renamed over the target, so a reader never sees a half-written file.
 */
public final class Npy {
    private Npy() {
    }

    /** Reads only the header of a {@code .npy} file and checks the file holds all the data it promises. */
    public static NpyHeader header(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return readHeader(file, ch);
        } catch (NoSuchFileException e) {
            throw new TrajectoryFormatException(file, "file not found");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    private static NpyHeader readHeader(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        int want = (int) Math.min(size, 12 + 65536L);
        ByteBuffer head = ByteBuffer.allocate(want);
        while (head.hasRemaining() && ch.read(head, head.position()) > 0) {
            // positional reads until full
        }
        head.flip();
        if (head.remaining() >= 12 && (head.get(6) == 2 || head.get(6) == 3)) {
            long hl = head.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(8) & 0xffffffffL;
            if (hl > 65536 && hl <= NpyHeader.MAX_HEADER && size >= 12 + hl) {
                head = ByteBuffer.allocate((int) (12 + hl));
                while (head.hasRemaining() && ch.read(head, head.position()) > 0) {
                    // positional reads until full
                }
                head.flip();
            }
        }
        return NpyHeader.parse(file, head, size);
    }

    /**
     * Opens a {@code .npy} file. C-order data is memory-mapped (the file must not be modified while the
     * array is in use); Fortran-order data is read and transposed into C order.
     */
    public static NpyArray open(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            NpyHeader h = readHeader(file, ch);
            if (h.fortranOrder() && nonTrivialDims(h.shape()) > 1) {
                return transposeFortran(h, readRegions(ch, h.dataOffset(), h.dataBytes(), file));
            }
            return new NpyArray(h.dtype(), h.shape(), mapRegions(ch, h.dataOffset(), h.dataBytes()));
        } catch (NoSuchFileException e) {
            throw new TrajectoryFormatException(file, "file not found");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Memory-maps {@code count} leading rows of a C-order file whose first dimension may be larger than
     * the committed row count (used by the trajectory store, whose manifest says how many rows are complete).
     */
    static NpyArray openRows(Path file, long rows) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            NpyHeader h = readHeader(file, ch);
            long[] shape = h.shape();
            if (shape.length == 0 || h.fortranOrder() && nonTrivialDims(shape) > 1) {
                throw new TrajectoryFormatException(file, "expected a C-order array with a leading checkpoint axis");
            }
            if (shape[0] < rows) {
                throw new TrajectoryFormatException(file, "holds " + shape[0] + " checkpoints, manifest says " + rows);
            }
            shape[0] = rows;
            long bytes = Math.multiplyExact(rowElements(shape) * rows, h.dtype().size());
            return new NpyArray(h.dtype(), shape, mapRegions(ch, h.dataOffset(), bytes));
        } catch (NoSuchFileException e) {
            throw new TrajectoryFormatException(file, "file not found");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    static long rowElements(long[] shape) {
        long n = 1;
        for (int i = 1; i < shape.length; i++) {
            n = Math.multiplyExact(n, shape[i]);
        }
        return n;
    }

    /** Reads a whole {@code .npy} file onto the heap (C order). */
    public static NpyArray read(Path file) {
        try {
            byte[] all = Files.readAllBytes(file);
            return fromBytes(file, all);
        } catch (NoSuchFileException e) {
            throw new TrajectoryFormatException(file, "file not found");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses a complete {@code .npy} image held in memory; {@code name} is used in error messages. */
    public static NpyArray fromBytes(Path name, byte[] all) {
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        NpyHeader h = NpyHeader.parse(name, b, all.length);
        if (h.dataBytes() > Integer.MAX_VALUE - 64) {
            throw new TrajectoryFormatException(name, "array too large to hold on the heap; use Npy.open to map it");
        }
        ByteBuffer data = ByteBuffer.wrap(all, (int) h.dataOffset(), (int) h.dataBytes()).slice();
        if (h.fortranOrder() && nonTrivialDims(h.shape()) > 1) {
            return transposeFortran(h, List.of(data));
        }
        return new NpyArray(h.dtype(), h.shape(), List.of(data));
    }

    /** Encodes an array as a complete {@code .npy} image. */
    public static byte[] toBytes(NpyArray a) {
        byte[] header = NpyHeader.encode(a.dtype(), a.shape(), 0);
        long bytes = a.size() * a.dtype().size();
        if (header.length + bytes > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("array too large for an in-memory .npy image");
        }
        ByteBuffer out = ByteBuffer.allocate((int) (header.length + bytes));
        out.put(header);
        a.copyBytes(0, a.size(), out);
        return out.array();
    }

    /** Writes an array to a {@code .npy} file atomically (temporary file, fsync, rename). */
    public static void write(Path file, NpyArray a) {
        AtomicFiles.write(file, out -> {
            out.write(ByteBuffer.wrap(NpyHeader.encode(a.dtype(), a.shape(), 0)));
            long chunk = 1 << 24;
            for (long s = 0; s < a.size(); s += chunk) {
                long n = Math.min(chunk, a.size() - s);
                ByteBuffer buf = ByteBuffer.allocate((int) (n * a.dtype().size()));
                a.copyBytes(s, n, buf);
                buf.flip();
                while (buf.hasRemaining()) {
                    out.write(buf);
                }
            }
        });
    }

    /** Convenience: writes a float64 array of the given shape. */
    public static void write(Path file, double[] data, long... shape) {
        write(file, NpyArray.of(data, shape));
    }

    /** Convenience: writes a float32 array of the given shape. */
    public static void write(Path file, float[] data, long... shape) {
        write(file, NpyArray.of(data, shape));
    }

    /** Convenience: writes an int64 array of the given shape. */
    public static void write(Path file, long[] data, long... shape) {
        write(file, NpyArray.of(data, shape));
    }

    /**
     * Reads every member of an {@code .npz} archive (stored or deflate-compressed, as written by
     * {@code np.savez} and {@code np.savez_compressed}), keyed by member name without {@code .npy}.
     */
    public static Map<String, NpyArray> readNpz(Path file) {
        Map<String, NpyArray> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory()) {
                    continue;
                }
                String name = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4) : e.getName();
                Path member = Path.of(file + "[" + e.getName() + "]");
                long declared = e.getSize();
                if (declared > Integer.MAX_VALUE - 64) {
                    throw new TrajectoryFormatException(member, "member too large (" + declared + " bytes)");
                }
                byte[] bytes;
                try (InputStream in = zip.getInputStream(e)) {
                    bytes = declared >= 0 ? in.readNBytes((int) declared) : in.readAllBytes();
                } catch (ZipException | java.io.EOFException ex) {
                    throw new TrajectoryFormatException(member, "corrupt compressed data: " + ex.getMessage());
                }
                if (declared >= 0 && bytes.length != declared) {
                    throw new TrajectoryFormatException(member, "truncated: " + bytes.length + " of " + declared + " bytes");
                }
                out.put(name, fromBytes(member, bytes));
            }
        } catch (NoSuchFileException e) {
            throw new TrajectoryFormatException(file, "file not found");
        } catch (ZipException e) {
            throw new TrajectoryFormatException(file, "not a valid .npz (zip) archive: " + e.getMessage());
        } catch (IOException e) {
            throw new TrajectoryFormatException(file, "cannot read .npz archive: " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw new TrajectoryFormatException(file, ".npz archive holds no arrays");
        }
        return out;
    }

    private static int nonTrivialDims(long[] shape) {
        int n = 0;
        for (long s : shape) {
            if (s > 1) {
                n++;
            }
        }
        return n;
    }

    private static List<ByteBuffer> mapRegions(FileChannel ch, long offset, long bytes) throws IOException {
        List<ByteBuffer> regions = new ArrayList<>();
        for (long s = 0; s < bytes || regions.isEmpty(); s += NpyArray.REGION) {
            long n = Math.min(NpyArray.REGION, bytes - s);
            regions.add(ch.map(FileChannel.MapMode.READ_ONLY, offset + s, n));
            if (n == 0) {
                break;
            }
        }
        return regions;
    }

    private static List<ByteBuffer> readRegions(FileChannel ch, long offset, long bytes, Path file) throws IOException {
        if (bytes > Integer.MAX_VALUE - 64) {
            throw new TrajectoryFormatException(file, "Fortran-order array too large to transpose on the heap");
        }
        ByteBuffer b = ByteBuffer.allocate((int) bytes);
        while (b.hasRemaining()) {
            int r = ch.read(b, offset + b.position());
            if (r < 0) {
                throw new TrajectoryFormatException(file, "truncated data");
            }
        }
        b.flip();
        return List.of(b);
    }

    /** Reorders a column-major payload into row-major order. */
    private static NpyArray transposeFortran(NpyHeader h, List<ByteBuffer> data) {
        long[] shape = h.shape();
        int es = h.dtype().size();
        int n = Math.toIntExact(h.elementCount());
        ByteBuffer src = data.get(0);
        byte[] dst = new byte[n * es];
        int rank = shape.length;
        int[] idx = new int[rank];
        long[] cStride = new long[rank];
        long s = 1;
        for (int d = rank - 1; d >= 0; d--) {
            cStride[d] = s;
            s *= shape[d];
        }
        // iterate in Fortran order (first index fastest)
        for (int f = 0; f < n; f++) {
            long c = 0;
            for (int d = 0; d < rank; d++) {
                c += idx[d] * cStride[d];
            }
            src.get(f * es, dst, (int) (c * es), es);
            for (int d = 0; d < rank; d++) {
                if (++idx[d] < shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return new NpyArray(h.dtype(), shape, List.of(ByteBuffer.wrap(dst)));
    }
}
