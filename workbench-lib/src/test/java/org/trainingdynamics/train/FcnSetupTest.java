package org.trainingdynamics.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.train.data.IdxFiles;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.Trajectory;

/** The FCN and CNN setups on a small synthetic Fashion-MNIST-format data set (IDX files written here). */
class FcnSetupTest {
    @TempDir
    Path tmp;

    @AfterEach
    void reset() {
        System.clearProperty("workbench.fashionMnist");
    }

    @Test
    void recordsEveryUpdateOfBaseAndPerturbedCopies() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("fmnist"));
        IdxFiles.plantedSplit(data, "train", 600, new Rng(1)::nextInt);
        IdxFiles.plantedSplit(data, "t10k", 200, new Rng(2)::nextInt);
        System.setProperty("workbench.fashionMnist", data.toString());
        RunResult r = Setups.fcn().hidden(10).copies(3).build().run(7, tmp.resolve("run"));
        assertThat(r.trajectories()).extracting(p -> p.getFileName().toString()).containsExactly("copy-0", "copy-1", "copy-2");
        Trajectory base = Trajectories.open(r.dir().resolve("copy-0"));
        Trajectory pert = Trajectories.open(r.dir().resolve("copy-1"));
        assertThat(base.checkpointCount()).isEqualTo(11); // initial + 600/60 updates
        assertThat(base.tensorNames()).containsExactly("fc2.weight");
        assertThat(base.tensor("fc2.weight").shape()).containsExactly(10, 10);
        double[] w0 = base.values("fc2.weight", 0);
        double[] w1 = pert.values("fc2.weight", 0);
        double maxRel = 0;
        for (int i = 0; i < w0.length; i++) {
            assertThat(Math.abs(w0[i])).isLessThanOrEqualTo(1 / Math.sqrt(10) + 1e-7); // U(+-1/sqrt(fan_in))
            maxRel = Math.max(maxRel, Math.abs(w1[i] / w0[i] - 1));
        }
        assertThat(maxRel).as("copies are w(1 + 0.001 U(-1,1))").isLessThanOrEqualTo(0.001 + 1e-6).isGreaterThan(0.0005);
        assertThat(pert.metadata().get("config").toString()).contains("copy=1");
        assertThat(r.finalMetrics().get("copy0_test_acc")).as("learns the planted pattern").isGreaterThan(0.5);
        // the same base seed's copies share the data order: different seeds give different bases
        Trajectory other = Trajectories.open(Setups.fcn().hidden(10).copies(1).build().run(8, tmp.resolve("s8")).dir());
        assertThat(other.values("fc2.weight", 0)).isNotEqualTo(w0);
    }

    @Test
    void cnnRecordsEarlyUpdatesAndEpochEndsAndLearns() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("fmnist"));
        IdxFiles.plantedSplit(data, "train", 256, new Rng(3)::nextInt);
        IdxFiles.plantedSplit(data, "t10k", 64, new Rng(4)::nextInt);
        System.setProperty("workbench.fashionMnist", data.toString());
        RunResult r = Setups.cnn().trainLimit(256).batch(64).epochs(3).earlyPhase(4, 2).build().run(1, tmp.resolve("cnn"));
        Trajectory t = Trajectories.open(r.dir());
        assertThat(t.steps()).containsExactly(0, 2, 4, 8, 12); // initial, early every 2 up to 4, epoch ends (4 updates each)
        assertThat(t.epochs()).containsExactly(0, 0.5, 1, 2, 3);
        assertThat(t.tensor("conv2.weight").shape()).containsExactly(16, 6, 5, 5);
        tech.tablesaw.api.Table m = t.metrics();
        tech.tablesaw.api.Table ev = m.where(m.doubleColumn("train_loss").isNotMissing());
        assertThat(ev.rowCount()).isEqualTo(4); // initial + each epoch end
        double first = ev.doubleColumn("train_loss").getDouble(0);
        double last = ev.doubleColumn("train_loss").getDouble(ev.rowCount() - 1);
        assertThat(last).as("Adam lowers the training loss").isLessThan(0.8 * first);
    }
}
