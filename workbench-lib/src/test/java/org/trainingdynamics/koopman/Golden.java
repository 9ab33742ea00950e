package org.trainingdynamics.koopman;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.trainingdynamics.trajectory.Npy;

/** Access to the shared golden files (shared/golden/dmd and shared/golden/koopman). */
final class Golden {
    private Golden() {
    }

    static Path dir(String sub) {
        String shared = System.getProperty("workbench.shared", "/work/shared");
        return Path.of(shared, "golden", sub);
    }

    static JsonNode dmdExpected() {
        try {
            return new ObjectMapper().readTree(dir("dmd").resolve("expected.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double[][] matrix(Path file) {
        return Npy.read(file).toDoubleMatrix();
    }

    static KoopmanSpectrum spectrum(JsonNode pairs) {
        double[] re = new double[pairs.size()];
        double[] im = new double[pairs.size()];
        for (int i = 0; i < re.length; i++) {
            re[i] = pairs.get(i).get(0).asDouble();
            im[i] = pairs.get(i).get(1).asDouble();
        }
        return new KoopmanSpectrum(re, im);
    }

    /** Largest matched |λ − μ| under the optimal assignment (multiset comparison). */
    static double maxMatchedGap(KoopmanSpectrum a, KoopmanSpectrum b) {
        if (a.size() != b.size()) {
            throw new AssertionError("sizes differ: " + a.size() + " vs " + b.size());
        }
        double[][] c = SpectralDistance.cost(a, b, SpectralDistance.Ground.EUCLIDEAN);
        int[] m = SpectralDistance.assignment(c);
        double max = 0;
        for (int i = 0; i < m.length; i++) {
            max = Math.max(max, c[i][m[i]]);
        }
        return max;
    }
}
