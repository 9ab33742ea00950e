package org.trainingdynamics.koopman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.trajectory.DType;
import org.trainingdynamics.trajectory.InMemoryTrajectory;
import org.trainingdynamics.trajectory.TensorSpec;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.Trajectory;

/**
 * The streamed Gram (pipelined reader + BLAS dsyrk on packed checkpoint-major blocks) equals ZᵀZ computed by a
 * plain triple loop over the values read one by one (in memory, float32 and float64 stores), for block sizes that split tensors, pack several tensors
 * into one block, leave a short last block, or hold everything; and it names non-finite values and overflow.
 */
class StreamedGramTest {
    private static final String[] NAMES = {"a", "b", "c", "d"};
    private static final long[][] SHAPES = {{37}, {1}, {5, 30}, {3}};

    private static InMemoryTrajectory run(int t, long seed) {
        Random rnd = new Random(seed);
        InMemoryTrajectory.Builder b = InMemoryTrajectory.builder();
        for (int k = 0; k < NAMES.length; k++) {
            b.tensor(NAMES[k], SHAPES[k]);
        }
        for (int step = 0; step < t; step++) {
            Map<String, double[]> vals = new LinkedHashMap<>();
            for (int k = 0; k < NAMES.length; k++) {
                long size = 1;
                for (long d : SHAPES[k]) {
                    size *= d;
                }
                double[] v = new double[(int) size];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (k + 1) * rnd.nextGaussian() + 0.3 * step;
                }
                vals.put(NAMES[k], v);
            }
            b.checkpoint(step, Double.NaN, vals);
        }
        return b.build();
    }

    /** ZᵀZ by definition: Z[i][j] = parameter i (storage order) of snapshot column j (run 0's, then run 1's, …). */
    private static double[][] tripleLoop(List<? extends Trajectory> runs) {
        List<double[]> cols = new ArrayList<>();
        for (Trajectory r : runs) {
            for (int t = 0; t < r.checkpointCount(); t++) {
                List<Double> col = new ArrayList<>();
                for (TensorSpec s : r.tensors()) {
                    for (long i = 0; i < s.size(); i++) {
                        double[] one = new double[1];
                        r.read(s.name(), t, i, one, 0, 1);
                        col.add(one[0]);
                    }
                }
                cols.add(col.stream().mapToDouble(Double::doubleValue).toArray());
            }
        }
        int m = cols.size();
        double[][] g = new double[m][m];
        for (int a = 0; a < m; a++) {
            for (int b = 0; b < m; b++) {
                for (int i = 0; i < cols.get(a).length; i++) {
                    g[a][b] += cols.get(a)[i] * cols.get(b)[i];
                }
            }
        }
        return g;
    }

    private static void assertGramMatches(List<? extends Trajectory> runs, int blockRows) {
        for (int workers = 1; workers <= 3; workers++) {
            assertGramMatches(runs, blockRows, workers);
        }
    }

    private static void assertGramMatches(List<? extends Trajectory> runs, int blockRows, int workers) {
        double[][] ref = tripleLoop(runs);
        int m = ref.length;
        int threads = StreamedGram.blasThreads();
        double[] g = StreamedGram.compute(Snapshots.of(runs), blockRows, workers);
        assertThat(StreamedGram.blasThreads()).as("BLAS threads restored").isEqualTo(threads);
        assertThat(g).hasSize(m * m);
        double scale = 0;
        for (double[] row : ref) {
            for (double v : row) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        for (int a = 0; a < m; a++) {
            for (int b = 0; b < m; b++) {
                assertThat(Math.abs(g[a * m + b] - ref[a][b])).as("blockRows %d, %d workers, G[%d][%d]", blockRows, workers, a, b)
                        .isLessThan(1e-13 * scale);
                assertThat(g[a * m + b]).isEqualTo(g[b * m + a]);
            }
        }
    }

    @Test
    void equalsTripleLoopForEveryBlockingAcrossTensorsAndRuns() {
        // 191 parameters in tensors of 37, 1, 150, 3; runs of 7 and 5 checkpoints (M = 12)
        List<InMemoryTrajectory> runs = List.of(run(7, 1), run(5, 2));
        // 1: one parameter per block; 16: blocks split "a" and "c" and pack a+b+c; 40: "a", "b" and part of "c";
        // 64: uneven last block; 191: one block exactly; 1000: block larger than N
        for (int rows : new int[]{1, 16, 40, 64, 191, 1000}) {
            assertGramMatches(runs, rows);
        }
    }

    @Test
    void equalsTripleLoopOnStoredFloat32AndFloat64Runs(@TempDir Path dir) {
        // float32 stores are read as floats and widened by the Gram itself; the float64 run (same tensor names)
        // must not be read through that path
        List<Trajectory> runs = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            runs.add(Trajectories.write(run(6 + r, 10 + r), dir.resolve("run" + r), r == 1 ? DType.FLOAT64 : DType.FLOAT32));
        }
        assertGramMatches(runs, 50);
        assertGramMatches(runs, 4096);
    }

    @Test
    void namesTheNonFiniteValueItsRunTensorElementAndCheckpoint() {
        InMemoryTrajectory clean = run(4, 3);
        InMemoryTrajectory.Builder b = InMemoryTrajectory.builder();
        for (int k = 0; k < NAMES.length; k++) {
            b.tensor(NAMES[k], SHAPES[k]);
        }
        for (int t = 0; t < 4; t++) {
            Map<String, double[]> vals = new LinkedHashMap<>();
            for (String name : NAMES) {
                double[] v = clean.values(name, t);
                if (name.equals("c") && t == 2) {
                    v[77] = Double.NEGATIVE_INFINITY;
                }
                vals.put(name, v);
            }
            b.checkpoint(t, Double.NaN, vals);
        }
        Snapshots s = Snapshots.of(clean, b.build());
        // element 77 of "c" is parameter 115: block 7 of 16 parameters; a NaN at element 92 (parameter 130, block 8,
        // owned by another worker with 2 or 3 workers) comes later in parameter order and must not be reported
        Snapshots twoBad = Snapshots.of(clean, withValue(b.build(), "c", 92, 1, Double.NaN));
        int threads = StreamedGram.blasThreads();
        for (int workers = 1; workers <= 3; workers++) {
            int wk = workers;
            assertThatThrownBy(() -> StreamedGram.compute(s, 16, wk)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("run 1, tensor 'c' element 77 at checkpoint 2 is -Infinity");
            assertThatThrownBy(() -> StreamedGram.compute(twoBad, 16, wk))
                    .hasMessageContaining("run 1, tensor 'c' element 77 at checkpoint 2 is -Infinity");
            assertThat(StreamedGram.blasThreads()).isEqualTo(threads);
        }
    }

    /** A copy of {@code src} with one value replaced. */
    private static InMemoryTrajectory withValue(InMemoryTrajectory src, String tensor, int element, int t, double v) {
        InMemoryTrajectory.Builder b = InMemoryTrajectory.builder();
        for (TensorSpec spec : src.tensors()) {
            b.tensor(spec.name(), spec.shape());
        }
        for (int c = 0; c < src.checkpointCount(); c++) {
            Map<String, double[]> vals = new LinkedHashMap<>();
            for (TensorSpec spec : src.tensors()) {
                double[] x = src.values(spec.name(), c);
                if (spec.name().equals(tensor) && c == t) {
                    x[element] = v;
                }
                vals.put(spec.name(), x);
            }
            b.checkpoint(c, Double.NaN, vals);
        }
        return b.build();
    }

    @Test
    void reportsOverflowOfFiniteValues() {
        double[][] big = {{1e200, 1}, {2, 3}};
        assertThatThrownBy(() -> StreamedGram.compute(Snapshots.ofMatrices(big), 4096, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("run 0 at checkpoint 0")
                .hasMessageContaining("overflows");
    }
}
