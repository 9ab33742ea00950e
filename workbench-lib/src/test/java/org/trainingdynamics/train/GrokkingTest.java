package org.trainingdynamics.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.trajectory.Trajectories;
import tech.tablesaw.api.Table;

/**
 * Grokking at reduced size (p = 23, width 128, 70% train, lr 5e-3, 1000 full-batch AdamW updates): with
 * weight decay 1 the MLP first memorises (train accuracy 1) and only much later generalises; with weight
 * decay 0 it memorises and stays at the test accuracy it had at memorisation. (With a shared embedding the
 * test pairs whose mirror (b, a) is in the training set are right from memorisation on, hence the ~0.66
 * plateau.)
 */
class GrokkingTest {
    @TempDir
    Path tmp;

    private static Table evals(Path run) {
        Table m = Trajectories.open(run).metrics();
        return m.where(m.doubleColumn("test_acc").isNotMissing());
    }

    private static long firstStep(Table t, String col, double atLeast) {
        for (int i = 0; i < t.rowCount(); i++) {
            if (t.doubleColumn(col).getDouble(i) >= atLeast) {
                return (long) t.numberColumn("step").getDouble(i);
            }
        }
        return Long.MAX_VALUE;
    }

    @Test
    void groksWithWeightDecayAndNotWithout() {
        GrokkingMlpSetup.Builder b = Setups.grokkingMlp().p(23).width(128).trainFraction(0.7).lr(5e-3).steps(1000)
                .checkpointEvery(50);
        b.weightDecay(1.0).build().run(0, tmp.resolve("wd1"));
        b.weightDecay(0.0).build().run(0, tmp.resolve("wd0"));
        Table wd1 = evals(tmp.resolve("wd1"));
        Table wd0 = evals(tmp.resolve("wd0"));
        long mem1 = firstStep(wd1, "train_acc", 1.0);
        long gen1 = firstStep(wd1, "test_acc", 0.9);
        assertThat(mem1).as("memorises").isLessThanOrEqualTo(250);
        assertThat(gen1).as("generalises within budget").isLessThanOrEqualTo(1000);
        assertThat(gen1).as("only long after memorising").isGreaterThanOrEqualTo(3 * mem1);
        assertThat(wd1.doubleColumn("test_acc").getDouble(wd1.rowCount() - 1)).isGreaterThanOrEqualTo(0.9);

        long mem0 = firstStep(wd0, "train_acc", 1.0);
        assertThat(mem0).as("control memorises too").isLessThanOrEqualTo(250);
        double test0 = wd0.doubleColumn("test_acc").getDouble(wd0.rowCount() - 1);
        assertThat(test0).as("control does not grok").isLessThan(0.75);
        assertThat(firstStep(wd0, "test_acc", 0.9)).isEqualTo(Long.MAX_VALUE);
    }
}
