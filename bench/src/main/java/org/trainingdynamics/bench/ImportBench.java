package org.trainingdynamics.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.io.ImportSummary;
import org.trainingdynamics.trajectory.io.Importer;

/**
 * Import of a folder of float32 {@code .safetensors} checkpoints into the native store versus a raw copy of the
 * same files in the same run. An import into a new folder leaves its files in the page cache like
 * {@code Files.copy} does (target: import / copy >= 0.5); an import that replaces an existing store forces its
 * files to disk before the swap, so it is compared with the copy followed by an fsync of every copied file.
 * Warm page cache on all sides.
 *
 * <p>Arguments: {@code [MiB=512] [checkpoints=16] [dir=/tmp/tdw-bench-import]}; the data is deleted at the end.
 */
public final class ImportBench {
    private ImportBench() {
    }

    public static void main(String[] args) throws IOException {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        int cps = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        Path root = Path.of(args.length > 2 ? args[2] : "/tmp/tdw-bench-import");
        Trajectories.deleteTree(root);
        Path src = Files.createDirectories(root.resolve("src"));
        int tensors = 8;
        int n = (int) ((long) mib * (1 << 20) / 4 / cps / tensors) / 256 * 256;
        try {
            long total = 0;
            for (int c = 0; c < cps; c++) {
                total += writeSafetensors(src.resolve("model_step" + (c * 100) + ".safetensors"), tensors, n, c);
            }
            System.out.printf("source: %d checkpoints x %d float32 tensors of %d = %.1f MiB%n", cps, tensors, n,
                    total / 1048576.0);
            copy(src, root.resolve("warm"), false); // warm the page cache
            double bestCopy = 0;
            double bestCopySync = 0;
            double bestImport = 0;
            double bestReplace = 0;
            List<Double> perCopy = new ArrayList<>();
            List<Double> perCopySync = new ArrayList<>();
            for (int rep = 0; rep < 6; rep++) {
                long t0 = System.nanoTime();
                copy(src, root.resolve("copy"), false);
                double cp = total / ((System.nanoTime() - t0) / 1e9);
                Trajectories.deleteTree(root.resolve("copy"));
                Trajectories.deleteTree(root.resolve("store")); // import into a fresh folder, like the copies
                t0 = System.nanoTime();
                ImportSummary s = Importer.importTo(src, root.resolve("store"));
                double im = total / ((System.nanoTime() - t0) / 1e9);
                if (s.checkpoints() != cps || s.bytesWritten() != (long) cps * tensors * n * 4) {
                    throw new IllegalStateException("import wrote " + s);
                }
                t0 = System.nanoTime();
                copy(src, root.resolve("copy"), true);
                double cps2 = total / ((System.nanoTime() - t0) / 1e9);
                Trajectories.deleteTree(root.resolve("copy"));
                t0 = System.nanoTime();
                Importer.importTo(src, root.resolve("store")); // replaces the store just written: durable path
                double re = total / ((System.nanoTime() - t0) / 1e9);
                if (rep > 0) {
                    perCopy.add(im / cp);
                    perCopySync.add(re / cps2);
                    bestCopy = Math.max(bestCopy, cp);
                    bestCopySync = Math.max(bestCopySync, cps2);
                    bestImport = Math.max(bestImport, im);
                    bestReplace = Math.max(bestReplace, re);
                }
                System.out.printf("  round %d: copy %.2f GB/s, import %.2f GB/s | copy+fsync %.2f GB/s, "
                        + "replacing import %.2f GB/s%n", rep, cp / 1e9, im / 1e9, cps2 / 1e9, re / 1e9);
            }
            System.out.printf("best: copy %.2f GB/s, import %.2f GB/s | copy+fsync %.2f GB/s, replacing import %.2f GB/s%n",
                    bestCopy / 1e9, bestImport / 1e9, bestCopySync / 1e9, bestReplace / 1e9);
            java.util.Collections.sort(perCopy);
            java.util.Collections.sort(perCopySync);
            System.out.printf("MEDIAN of per-round ratios: import / copy = %.2f, replacing import / (copy+fsync) = %.2f%n",
                    perCopy.get(perCopy.size() / 2), perCopySync.get(perCopySync.size() / 2));
            System.out.printf("RATIO of best rounds: import / copy = %.2f, replacing import / (copy+fsync) = %.2f "
                    + "(target >= 0.5)%n", bestImport / bestCopy, bestReplace / bestCopySync);
        } finally {
            Trajectories.deleteTree(root);
        }
    }

    private static long writeSafetensors(Path file, int tensors, int n, int c) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode h = json.createObjectNode();
        h.putObject("__metadata__").put("format", "pt");
        long off = 0;
        for (int k = 0; k < tensors; k++) {
            ObjectNode e = h.putObject("layers." + k + ".weight");
            e.put("dtype", "F32");
            e.putArray("shape").add(n / 256).add(256);
            e.putArray("data_offsets").add(off).add(off + (long) n * 4);
            off += (long) n * 4;
        }
        byte[] hb = json.writeValueAsString(h).getBytes(StandardCharsets.UTF_8);
        int pad = (8 - hb.length % 8) % 8;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer head = ByteBuffer.allocate(8 + hb.length + pad).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(hb.length + pad).put(hb);
            while (head.hasRemaining()) {
                head.put((byte) ' ');
            }
            head.flip();
            ch.write(head);
            ByteBuffer data = ByteBuffer.allocateDirect(n / 256 * 256 * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int k = 0; k < tensors; k++) {
                data.clear();
                for (int i = 0; i < n / 256 * 256; i++) {
                    data.putFloat(c + k + i * 1e-7f);
                }
                data.flip();
                while (data.hasRemaining()) {
                    ch.write(data);
                }
            }
            return ch.size();
        }
    }

    private static void copy(Path src, Path dst, boolean sync) throws IOException {
        Files.createDirectories(dst);
        List<Path> files = new ArrayList<>();
        try (var l = Files.list(src)) {
            l.forEach(files::add);
        }
        for (Path f : files) {
            Path to = dst.resolve(f.getFileName());
            Files.copy(f, to);
            if (sync) {
                try (FileChannel ch = FileChannel.open(to, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
        }
    }
}
