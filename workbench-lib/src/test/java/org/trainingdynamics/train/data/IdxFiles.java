package org.trainingdynamics.train.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntUnaryOperator;

/** Test fixtures: IDX files written to the format's spec, and small Fashion-MNIST-shaped splits with a planted pattern. */
public final class IdxFiles {
    private IdxFiles() {
    }

    /** An unsigned-byte IDX file: magic {@code 0 0 0x08 rank}, big-endian dimensions, then the data. */
    public static byte[] idx(int[] shape, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(0);
        out.write(0x08);
        out.write(shape.length);
        for (int s : shape) {
            out.write(s >>> 24);
            out.write(s >>> 16);
            out.write(s >>> 8);
            out.write(s);
        }
        out.writeBytes(data);
        return out.toByteArray();
    }

    /**
     * Writes {@code <name>-images-idx3-ubyte} and {@code <name>-labels-idx1-ubyte} with {@code count} 28×28 images
     * whose class c lights up image rows 2c+4..2c+6 (a learnable planted pattern); {@code nextInt.applyAsInt(b)}
     * draws an integer in [0, b).
     */
    public static void plantedSplit(Path dir, String name, int count, IntUnaryOperator nextInt) throws IOException {
        byte[] img = new byte[count * 784];
        byte[] lbl = new byte[count];
        for (int i = 0; i < count; i++) {
            int c = nextInt.applyAsInt(10);
            lbl[i] = (byte) c;
            for (int j = 0; j < 784; j++) {
                int row = j / 28;
                img[i * 784 + j] = (byte) (row >= 2 * c + 4 && row < 2 * c + 7 ? 200 + nextInt.applyAsInt(50)
                        : nextInt.applyAsInt(40));
            }
        }
        Files.write(dir.resolve(name + "-images-idx3-ubyte"), idx(new int[]{count, 28, 28}, img));
        Files.write(dir.resolve(name + "-labels-idx1-ubyte"), idx(new int[]{count}, lbl));
    }
}
