package org.trainingdynamics.trajectory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Store round-trip, and the NumPy cross-check: every file the store writes loads with
 * {@code np.load(..., mmap_mode="r")} as a memmap of shape [T, ...] and the values NumPy reads equal, bit for
 * bit, what was recorded (compared through Python's shortest round-trip repr of each float64).
 */
class StoreNumpyTest {
    @TempDir
    Path tmp;

    @Test
    void writeOpenRoundTripAndNumpyReadsExactValues() {
        Random rnd = new Random(42);
        InMemoryTrajectory.Builder b = InMemoryTrajectory.builder().tensor("conv.weight", 2, 3, 2).tensor("fc.bias", 4)
                .tensor("scalar");
        int t = 5;
        for (int k = 0; k < t; k++) {
            double[] w = new double[12];
            double[] bias = new double[4];
            for (int i = 0; i < 12; i++) {
                w[i] = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(20) - 10);
            }
            for (int i = 0; i < 4; i++) {
                bias[i] = rnd.nextGaussian();
            }
            b.checkpoint(100L * k, k * 0.5, Map.of("conv.weight", w, "fc.bias", bias, "scalar", new double[]{k / 3.0}));
        }
        InMemoryTrajectory mem = b.meta("seed", 42).build();
        for (DType d : List.of(DType.FLOAT64, DType.FLOAT32)) {
            Path dir = tmp.resolve(d.manifestName());
            StoredTrajectory s = Trajectories.write(mem, dir, d);
            assertThat(s.steps()).containsExactly(mem.steps());
            assertThat(s.epochs()).containsExactly(mem.epochs());
            assertThat(s.metadata()).containsEntry("seed", 42);
            List<String> files = mem.tensors().stream()
                    .map(spec -> dir.resolve(Manifest.read(dir).files().get(s.tensorNames().indexOf(spec.name()))).toString())
                    .toList();
            String py = PythonSupport.runCode("import numpy as np, sys\n"
                    + "for f in sys.argv[1:]:\n"
                    + "    a = np.load(f, mmap_mode='r')\n"
                    + "    assert isinstance(a, np.memmap), type(a)\n"
                    + "    print(a.dtype.str, ','.join(map(str, a.shape)))\n"
                    + "    print(' '.join(repr(float(x)) for x in np.asarray(a, dtype=np.float64).ravel()))",
                    files.toArray(String[]::new));
            String[] lines = py.trim().split("\n");
            assertThat(lines).hasSize(2 * files.size());
            for (int j = 0; j < mem.tensors().size(); j++) {
                TensorSpec spec = mem.tensors().get(j);
                assertThat(s.tensor(spec.name()).shape()).isEqualTo(spec.shape());
                StringBuilder shape = new StringBuilder().append(t);
                for (long x : spec.shape()) {
                    shape.append(',').append(x);
                }
                assertThat(lines[2 * j]).isEqualTo(d.numpyDescr() + " " + shape);
                String[] vals = lines[2 * j + 1].trim().split(" ");
                int n = (int) spec.size();
                assertThat(vals).hasSize(t * n);
                for (int k = 0; k < t; k++) {
                    double[] expect = mem.values(spec.name(), k);
                    double[] stored = s.values(spec.name(), k);
                    for (int i = 0; i < n; i++) {
                        double e = d == DType.FLOAT32 ? (float) expect[i] : expect[i];
                        assertThat(stored[i]).isEqualTo(e);
                        assertThat(Double.parseDouble(vals[k * n + i])).as("%s[%d][%d]", spec.name(), k, i).isEqualTo(e);
                    }
                }
            }
            // blocks (of the store, of a tensor-subset view, of a checkpoint window) agree with per-checkpoint reads
            for (Trajectory view : List.of(s, s.select("fc.*", "scalar"), s.window(1, 5, 2))) {
                long global = 0;
                for (ParameterBlock pb : view.blocks(5)) {
                    assertThat(pb.offset()).isEqualTo(global);
                    assertThat(pb.offset()).isEqualTo(view.offsetOf(pb.tensor()) + pb.tensorOffset());
                    assertThat(pb.cols()).isEqualTo(view.checkpointCount());
                    global += pb.rows();
                    for (int r = 0; r < pb.rows(); r++) {
                        for (int k = 0; k < pb.cols(); k++) {
                            assertThat(pb.get(r, k)).isEqualTo(view.values(pb.tensor(), k)[(int) pb.tensorOffset() + r]);
                        }
                    }
                }
                assertThat(global).isEqualTo(view.parameterCount());
            }
            assertThat(s.window(1, 5, 2).values("fc.bias", 1)).containsExactly(s.values("fc.bias", 3));
        }
    }
}
