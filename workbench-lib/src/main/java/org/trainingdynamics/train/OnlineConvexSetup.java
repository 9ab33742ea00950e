package org.trainingdynamics.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.trainingdynamics.study.Progress;
import org.trainingdynamics.trajectory.DType;
import org.trainingdynamics.trajectory.TensorSpec;
import org.trainingdynamics.trajectory.TrajectoryRecorder;

/**
 * Online mirror descent (OMD), online gradient descent (OGD) on the exponential reparameterisation, and the
 * bisection method (BM) on f(x) = Σ tan(x_i) over the box K = [1/T, 1]^d: the second example of Ghai, Lu &amp;
 * Hazan 2022 (arXiv 2205.15235) as used by Redman et al. 2024 (arXiv 2302.09160, Fig. 2), matching the
 * official {@code online_mirror_online_gradient_descent_main.py} step for step:
 * <ul>
 *   <li>OMD with the log-barrier mirror map R(x) = −Σ log x_i, ∇R(x) = −1/x:
 *       y = (∇R)⁻¹(∇R(x) − η∇f(x)) = −1/(−1/x − η sec²x), then the Bregman projection onto K, which for this
 *       separable barrier on a box is coordinate-wise clipping to [1/T, 1];</li>
 *   <li>OGD on u with x = eᵘ: u ← u − η eᵘ sec²(eᵘ), then Euclidean projection (clipping) onto
 *       [ln(1/T), 0]^d; the recorded state is u (tensor {@code u}), with x = eᵘ alongside (tensor {@code x});</li>
 *   <li>BM: z = (a+b)/2; if f(z) &lt; 0 then a = z, if f(z) &gt; 0 then b = z (all coordinates together, on the
 *       sign of the summed loss), next z = (a+b)/2.</li>
 * </ul>
 * Initial conditions are g×g grids laid out as NumPy's {@code reshape(meshgrid(l, l), [2, g²])}: condition
 * n has coordinates (l[n mod g], l[n div g]); x₀ ∈ [0.1, 0.9]², u₀ ∈ [−2.3, −0.1]² (a linear grid in u),
 * a₀ ∈ [−4/3, −1/3]², b₀ ∈ [1/7, 8/7]². Each method records T iterates (the initial point included) of all
 * g² conditions as one tensor [g², d], float64, into sub-folders {@code omd}, {@code ogd} and
 * {@code bisection}. The maps themselves are {@link TanFunctionMaps} (sec² computed as 1 + tan², the derivative
 * JAX uses in the official code).
 */
public final class OnlineConvexSetup implements Setup {
    private final double eta;
    private final int steps;
    private final int grid;

    private OnlineConvexSetup(Builder b) {
        this.eta = b.eta;
        this.steps = b.steps;
        this.grid = b.grid;
    }

    /** A builder with the paper's defaults: η = 0.01, T = 100 iterates, 5×5 grids, d = 2. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "omd-ogd";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loss", "sum tan(x_i)");
        m.put("d", 2);
        m.put("eta", eta);
        m.put("iterates", steps);
        m.put("grid", grid);
        m.put("box", List.of(1.0 / steps, 1.0));
        m.put("mirror_map", "-sum log x_i");
        m.put("ogd_reparameterisation", "x = exp(u)");
        m.put("x0_range", List.of(0.1, 0.9));
        m.put("u0_range", List.of(-2.3, -0.1));
        m.put("a0_range", List.of(-4.0 / 3, -1.0 / 3));
        m.put("b0_range", List.of(1.0 / 7, 8.0 / 7));
        return m;
    }

    @Override
    public RunResult run(long seed, Path out) {
        int nIc = grid * grid;
        double lo = 1.0 / steps;
        double[][] x0 = TanFunctionMaps.grid(0.1, 0.9, grid);
        double[][] u0 = TanFunctionMaps.grid(-2.3, -0.1, grid);
        double[][] a0 = TanFunctionMaps.grid(-4.0 / 3, -1.0 / 3, grid);
        double[][] b0 = TanFunctionMaps.grid(1.0 / 7, 8.0 / 7, grid);
        double[][][] omd = new double[steps][nIc][];
        double[][][] ogd = new double[steps][nIc][];
        double[][][] bm = new double[steps][nIc][];
        for (int n = 0; n < nIc; n++) {
            double[][] xs = TanFunctionMaps.mirrorDescent(x0[n], eta, steps, lo);
            double[][] us = TanFunctionMaps.gradientDescent(u0[n], eta, steps, lo);
            double[][] zs = TanFunctionMaps.bisection(a0[n], b0[n], steps);
            for (int t = 0; t < steps; t++) {
                omd[t][n] = xs[t];
                ogd[t][n] = us[t];
                bm[t][n] = zs[t];
            }
        }
        List<Path> dirs = new ArrayList<>();
        Map<String, Double> fin = new LinkedHashMap<>();
        try (Progress p = Progress.start("omd-ogd", 3)) {
            dirs.add(write(out.resolve("omd"), "omd", seed, Map.of("x", omd), fin, false));
            p.step();
            dirs.add(write(out.resolve("ogd"), "ogd", seed, Map.of("u", ogd), fin, true));
            p.step();
            dirs.add(write(out.resolve("bisection"), "bisection", seed, Map.of("z", bm), fin, false));
            p.step();
        }
        return new RunResult(out, dirs, fin);
    }

    private Path write(Path dir, String part, long seed, Map<String, double[][][]> states, Map<String, Double> fin,
                       boolean expX) {
        String name = states.keySet().iterator().next();
        double[][][] s = states.get(name);
        int nIc = grid * grid;
        List<TensorSpec> specs = new ArrayList<>();
        specs.add(new TensorSpec(name, new long[]{nIc, 2}, DType.FLOAT64));
        if (expX) {
            specs.add(new TensorSpec("x", new long[]{nIc, 2}, DType.FLOAT64));
        }
        try (TrajectoryRecorder rec = TrajectoryRecorder.create(dir, specs, RunMetadata.of(this, seed, part))) {
            double meanLoss = 0;
            for (int t = 0; t < steps; t++) {
                double[] flat = new double[nIc * 2];
                double[] x = new double[nIc * 2];
                double sum = 0;
                for (int n = 0; n < nIc; n++) {
                    flat[2 * n] = s[t][n][0];
                    flat[2 * n + 1] = s[t][n][1];
                    x[2 * n] = expX ? Math.exp(s[t][n][0]) : s[t][n][0];
                    x[2 * n + 1] = expX ? Math.exp(s[t][n][1]) : s[t][n][1];
                    sum += Math.tan(x[2 * n]) + Math.tan(x[2 * n + 1]);
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put(name, flat);
                if (expX) {
                    row.put("x", x);
                }
                rec.append(t, Double.NaN, row);
                meanLoss = sum / nIc;
                rec.logMetrics(t, Map.of("mean_loss", meanLoss));
            }
            fin.put(part + "_mean_loss", meanLoss);
            RunMetadata.markComplete(rec);
        }
        return dir;
    }

    /** Builder for {@link OnlineConvexSetup}; defaults are the paper's. */
    public static final class Builder {
        private double eta = 0.01;
        private int steps = 100;
        private int grid = 5;

        private Builder() {
        }

        /** Step size η (default 0.01). */
        public Builder eta(double eta) {
            this.eta = Checks.positive("eta", eta);
            return this;
        }

        /** Number of recorded iterates T, the initial point included; also sets the box K = [1/T, 1]^d (default 100). */
        public Builder steps(int steps) {
            this.steps = Checks.atLeast("steps", steps, 2);
            return this;
        }

        /** Grid size g: g×g initial conditions (default 5). */
        public Builder grid(int grid) {
            this.grid = Checks.atLeast("grid", grid, 2);
            return this;
        }

        /** The configured setup. */
        public OnlineConvexSetup build() {
            return new OnlineConvexSetup(this);
        }
    }
}
