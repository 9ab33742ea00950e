package org.trainingdynamics.train.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fashion-MNIST (Xiao, Rasul &amp; Vollgraf 2017): 60 000 training and 10 000 test 28×28 grey images in 10
 * classes, read from the IDX files of Debian's {@code dataset-fashion-mnist} package
 * ({@code /usr/share/datasets/fashion-mnist}, installed by {@code environment/setup data}). The folder can
 * be overridden with the system property {@code workbench.fashionMnist} or the environment variable
 * {@code WORKBENCH_FASHION_MNIST}. Pixels are scaled to [0, 1] and standardised with the training set's
 * mean 0.2860 and standard deviation 0.3530 (the role MNIST's (0.1307, 0.3081) plays in the papers' code).
 * Features are [N, 784] float32, row-major over the image.
 */
public final class FashionMnist {
    /** Where Debian's package installs the files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** Training-set pixel mean (of values in [0, 1]). */
    public static final double MEAN = 0.2860;
    /** Training-set pixel standard deviation. */
    public static final double STD = 0.3530;
    private static final Map<String, Dataset> CACHE = new ConcurrentHashMap<>();

    private FashionMnist() {
    }

    /** The folder holding the IDX files. */
    public static Path directory() {
        String p = System.getProperty("workbench.fashionMnist", System.getenv("WORKBENCH_FASHION_MNIST"));
        return p != null ? Path.of(p) : DEBIAN_DIR;
    }

    /** The 60 000 training images. */
    public static Dataset train() {
        return load("train");
    }

    /** The 10 000 test images. */
    public static Dataset test() {
        return load("t10k");
    }

    private static Dataset load(String split) {
        Path dir = directory();
        return CACHE.computeIfAbsent(dir + "/" + split, k -> read(dir, split));
    }

    static Path locate(Path dir, String base) {
        for (String name : new String[]{base, base + ".gz"}) {
            Path f = dir.resolve(name);
            if (Files.isRegularFile(f)) {
                return f;
            }
        }
        throw new IllegalArgumentException("Fashion-MNIST file " + base + "[.gz] not found in " + dir
                + "; install it with 'environment/setup data' (Debian package dataset-fashion-mnist) or set "
                + "-Dworkbench.fashionMnist=<folder>");
    }

    /** Reads one split from {@code dir} (exposed for tests with synthetic files). */
    public static Dataset read(Path dir, String split) {
        Path imgFile = locate(dir, split + "-images-idx3-ubyte");
        Path lblFile = locate(dir, split + "-labels-idx1-ubyte");
        Idx.UByteArray img = Idx.readUBytes(imgFile);
        Idx.UByteArray lbl = Idx.readUBytes(lblFile);
        if (img.shape().length != 3) {
            throw new org.trainingdynamics.trajectory.TrajectoryFormatException(imgFile,
                    "images must have 3 dimensions [N, rows, cols], got " + img.shape().length);
        }
        if (lbl.shape().length != 1 || lbl.shape()[0] != img.shape()[0]) {
            throw new org.trainingdynamics.trajectory.TrajectoryFormatException(lblFile,
                    "labels must be [" + img.shape()[0] + "] to match the images, got " + java.util.Arrays.toString(lbl.shape()));
        }
        int n = img.shape()[0];
        int d = img.shape()[1] * img.shape()[2];
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) ((img.get(i) / 255.0 - MEAN) / STD);
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = lbl.get(i);
            if (y[i] > 9) {
                throw new org.trainingdynamics.trajectory.TrajectoryFormatException(lblFile,
                        "label " + y[i] + " at index " + i + " is not a class 0..9");
            }
        }
        return new Dataset("fashion-mnist " + split, Nd4j.create(x, new long[]{n, d}, 'c'), null, y, null, 10);
    }
}
