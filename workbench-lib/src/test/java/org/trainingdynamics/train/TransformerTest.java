package org.trainingdynamics.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.trainingdynamics.train.data.ModularArithmetic;

/** One-layer transformer backpropagation against central finite differences. */
class TransformerTest {
    @Test
    void gradientsMatchFiniteDifferences() {
        ModularArithmetic.Split s = ModularArithmetic.addition(7, 0.5, true, new Rng(1));
        Transformer tf = new Transformer(8, 3, 8, 2, 4, 16, 7, 1.0, new Rng(2));
        for (Parameter p : tf.parameters()) { // non-zero biases, so their gradients are exercised in general position
            if (p.name().startsWith("mlp.b")) {
                p.value().assign(org.nd4j.linalg.factory.Nd4j.create(new Rng(3).normalFloats((int) p.value().length(), 0.1),
                        p.value().shape(), 'c'));
            }
        }
        tf.gradients(s.train());
        Rng pick = new Rng(4);
        for (Parameter p : tf.parameters()) {
            INDArray g = p.grad().dup();
            INDArray v = p.value();
            for (int k = 0; k < 5; k++) {
                long i = pick.nextInt((int) v.length());
                double x = v.getDouble(i);
                double h = 2e-3; // small: ReLU kinks make larger steps non-smooth
                v.putScalar(i, x + h);
                double lp = tf.evaluate(s.train()).loss();
                v.putScalar(i, x - h);
                double lm = tf.evaluate(s.train()).loss();
                v.putScalar(i, x);
                double fd = (lp - lm) / (2 * h);
                double an = g.getDouble(i);
                assertThat(Math.abs(fd - an)).as(p.name() + "[" + i + "] fd=" + fd + " analytic=" + an)
                        .isLessThan(1e-3 + 0.03 * Math.abs(fd));
            }
        }
    }

    private static double totalNorm(org.trainingdynamics.trajectory.Trajectory t, int c) {
        double s = 0;
        for (String name : t.tensorNames()) {
            for (double v : t.values(name, c)) {
                s += v * v;
            }
        }
        return Math.sqrt(s);
    }

    @Test
    void constrainedVariantKeepsTheTotalNormAndGrokkingVariantDecaysIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        TransformerSetup.Builder b = Setups.transformer().p(11).sizes(16, 2, 8, 32).steps(6).recordAll(true);
        b.constrained(true).build().run(0, tmp.resolve("c"));
        b.constrained(false).lr(1e-2).build().run(0, tmp.resolve("g"));
        org.trainingdynamics.trajectory.Trajectory c = org.trainingdynamics.trajectory.Trajectories.open(tmp.resolve("c"));
        org.trainingdynamics.trajectory.Trajectory g = org.trainingdynamics.trajectory.Trajectories.open(tmp.resolve("g"));
        assertThat(c.checkpointCount()).isEqualTo(7);
        double n0 = totalNorm(c, 0);
        for (int t = 1; t < 7; t++) {
            assertThat(totalNorm(c, t) / n0).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        }
        assertThat(c.values("mlp.W_out", 6)).isNotEqualTo(c.values("mlp.W_out", 0));
        // the constrained run starts from 0.8 x the grokking run's initial weights (same seed)
        assertThat(c.values("attn.W_Q", 0)[3]).isCloseTo(0.8 * g.values("attn.W_Q", 0)[3],
                org.assertj.core.data.Offset.offset(1e-6));
        assertThat(totalNorm(g, 6)).as("weight decay 1 at lr 1e-2 shrinks the weights").isLessThan(totalNorm(g, 0));
        assertThat(Setups.transformer().build().config()).containsEntry("p", 113).containsEntry("d_model", 128)
                .containsEntry("d_mlp", 512).containsEntry("train_fraction", 0.3);
    }
    /**
     * Perturbed copies: copy 0 is the single-copy run bit for bit, copy c ≥ 1 starts from w(1 + 0.001 U(−1, 1)),
     * and with the constrained variant each copy keeps its own initial norm.
     */
    @Test
    void perturbedCopiesStartNearTheBaseAndGoToCopyFolders(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        TransformerSetup.Builder b = Setups.transformer().p(11).sizes(16, 2, 8, 32).steps(3).recordAll(true);
        RunResult r = b.copies(3).constrained(true).build().run(4, tmp.resolve("run"));
        assertThat(r.trajectories()).extracting(q -> q.getFileName().toString()).containsExactly("copy-0", "copy-1", "copy-2");
        assertThat(CopyFolders.list(tmp.resolve("run"))).isEqualTo(r.trajectories());
        b.copies(1).build().run(4, tmp.resolve("single"));
        assertThat(CopyFolders.list(tmp.resolve("single"))).containsExactly(tmp.resolve("single"));
        org.trainingdynamics.trajectory.Trajectory single = org.trainingdynamics.trajectory.Trajectories.open(tmp.resolve("single"));
        org.trainingdynamics.trajectory.Trajectory base = org.trainingdynamics.trajectory.Trajectories.open(r.trajectories().get(0));
        org.trainingdynamics.trajectory.Trajectory pert = org.trainingdynamics.trajectory.Trajectories.open(r.trajectories().get(2));
        for (int t = 0; t < 4; t++) {
            assertThat(base.values("mlp.W_out", t)).as("copy 0 = the single run, checkpoint %d", t)
                    .isEqualTo(single.values("mlp.W_out", t));
        }
        double[] w0 = base.values("attn.W_Q", 0);
        double[] w2 = pert.values("attn.W_Q", 0);
        double maxRel = 0;
        for (int i = 0; i < w0.length; i++) {
            maxRel = Math.max(maxRel, Math.abs(w2[i] / w0[i] - 1));
        }
        assertThat(maxRel).as("copies are w(1 + 0.001 U(-1,1))").isLessThanOrEqualTo(0.001 + 1e-6).isGreaterThan(0.0005);
        assertThat(totalNorm(pert, 3) / totalNorm(pert, 0)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(pert.metadata().get("config").toString()).contains("copy=2");
        assertThatThrownBy(() -> Setups.transformer().copies(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("copies");
    }
}
