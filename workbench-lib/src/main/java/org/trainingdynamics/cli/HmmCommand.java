package org.trainingdynamics.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.trainingdynamics.hmm.CovarianceType;
import org.trainingdynamics.hmm.GaussianHmm;
import org.trainingdynamics.hmm.HmmConfig;
import org.trainingdynamics.hmm.HmmFit;
import org.trainingdynamics.hmm.HmmJson;
import org.trainingdynamics.hmm.ModelSelection;
import org.trainingdynamics.hmm.Sequences;
import org.trainingdynamics.trajectory.Npy;
import org.trainingdynamics.viz.Figures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./workbench hmm fit|select}: Gaussian HMMs on feature sequences stored as {@code .npy}
 * (hmmlearn's {@code (X, lengths)} convention). See docs/hmm.md.
 */
@Command(name = "hmm", mixinStandardHelpOptions = true,
        description = "Gaussian hidden Markov models of training (Hu et al. 2023), hmmlearn-compatible.",
        subcommands = {HmmCommand.Fit.class, HmmCommand.Select.class})
public final class HmmCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** Options shared by fit and select. */
    static class Common {
        @Option(names = "--data", required = true, description = "frames [n, d] as .npy (float32/float64)")
        Path data;

        @Option(names = "--lengths", description = "sequence lengths as .npy integers (default: one sequence)")
        Path lengths;

        @Option(names = "--covariance", defaultValue = "full", description = "full|diag|spherical|tied (default: ${DEFAULT-VALUE})")
        String covariance;

        @Option(names = "--iterations", defaultValue = "32", description = "maximum EM iterations (default: ${DEFAULT-VALUE})")
        int iterations;

        @Option(names = "--tol", defaultValue = "1e-2", description = "stop when the log-likelihood gains less (default: ${DEFAULT-VALUE})")
        double tol;

        @Option(names = "--seed", defaultValue = "0", description = "seed of the restarts (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--out", required = true, description = "output folder")
        Path out;

        Sequences sequences() {
            if (!Files.isRegularFile(data)) {
                throw new IllegalArgumentException("--data " + data + ": no such file");
            }
            if (lengths != null && !Files.isRegularFile(lengths)) {
                throw new IllegalArgumentException("--lengths " + lengths + ": no such file");
            }
            return Sequences.fromNpy(data, lengths);
        }

        HmmConfig.Builder config() {
            return HmmConfig.builder().covariance(CovarianceType.parse(covariance)).iterations(iterations).tol(tol).seed(seed);
        }
    }

    /** {@code hmm fit}: EM, then Viterbi path and posteriors of every frame. */
    @Command(name = "fit", mixinStandardHelpOptions = true,
            description = "Fit a Gaussian HMM; writes model.json, viterbi.npy and posteriors.npy to --out.")
    static final class Fit extends Common implements Callable<Integer> {
        @Option(names = "--states", required = true, description = "number of hidden states K")
        int states;

        @Option(names = "--init", description = "initial parameters as JSON (startprob, transmat, means, covars); "
                + "then nothing is initialised from the data")
        Path init;

        @Option(names = "--restarts", defaultValue = "1", description = "seeded random initialisations, best kept (default: ${DEFAULT-VALUE})")
        int restarts;

        @Override
        public Integer call() {
            Sequences x = sequences();
            HmmConfig.Builder b = config().states(states).restarts(restarts);
            if (init != null) {
                b.init(HmmJson.read(init, CovarianceType.parse(covariance)));
            }
            HmmFit fit = b.build().fit(x);
            GaussianHmm m = fit.model();
            GaussianHmm.Decoding dec = m.viterbi(x);
            ObjectNode o = HmmJson.toJson(m);
            o.set("loglik_history", HmmJson.array(fit.loglikHistory()));
            o.set("objective_history", HmmJson.array(fit.objectiveHistory()));
            o.put("iterations", fit.iterations());
            o.put("converged", fit.converged());
            double score = m.score(x);
            o.put("score", score);
            o.put("bic", m.bic(x));
            o.put("aic", m.aic(x));
            o.put("n_free_params", m.freeParameters());
            o.put("n_frames", x.frames());
            o.put("viterbi_logprob", dec.logProb());
            o.set("restart_scores", HmmJson.array(fit.restartScores()));
            try {
                Files.createDirectories(out);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("--out " + out + ": " + e.getMessage(), e);
            }
            HmmJson.write(out.resolve("model.json"), o);
            long[] path = new long[dec.path().length];
            for (int i = 0; i < path.length; i++) {
                path[i] = dec.path()[i];
            }
            Npy.write(out.resolve("viterbi.npy"), path, path.length);
            double[][] post = m.posteriors(x);
            double[] flat = new double[post.length * m.states()];
            for (int t = 0; t < post.length; t++) {
                System.arraycopy(post[t], 0, flat, t * m.states(), m.states());
            }
            Npy.write(out.resolve("posteriors.npy"), flat, post.length, m.states());
            System.out.printf("fitted %d-state %s HMM on %d frames in %d sequences: %d iterations%s, "
                            + "log-likelihood %.6f, BIC %.4f, AIC %.4f -> %s%n", m.states(), m.covarianceType().label(),
                    x.frames(), x.count(), fit.iterations(), fit.converged() ? " (converged)" : "", score, m.bic(x),
                    m.aic(x), out);
            return 0;
        }
    }

    /** {@code hmm select}: held-out log-likelihood, BIC and AIC over a range of K. */
    @Command(name = "select", mixinStandardHelpOptions = true,
            description = "Choose the number of states: fit each K on 80% of the sequences, score the rest; "
                    + "writes selection.csv and selection.png to --out.")
    static final class Select extends Common implements Callable<Integer> {
        @Option(names = "--states", defaultValue = "1..8", description = "range of K, e.g. 1..8 (default: ${DEFAULT-VALUE})")
        String states;

        @Option(names = "--restarts", defaultValue = "5", description = "seeded fits per K (default: ${DEFAULT-VALUE}, the paper)")
        int restarts;

        @Option(names = "--test-fraction", defaultValue = "0.2", description = "held-out share of sequences (default: ${DEFAULT-VALUE})")
        double testFraction;

        @Override
        public Integer call() {
            int[] range = parseRange(states);
            Sequences x = sequences();
            int[][] split = ModelSelection.split(x.count(), testFraction, seed);
            ModelSelection.Result r = ModelSelection.of(config(), range[0], range[1], restarts, seed)
                    .run(x.subset(split[0]), x.subset(split[1]));
            try {
                Files.createDirectories(out);
                r.toTable().write().csv(out.resolve("selection.csv").toFile());
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("--out " + out + ": " + e.getMessage(), e);
            }
            Figures.save(r.heldOutChart(), out.resolve("selection"));
            System.out.println(r.toTable().print());
            System.out.printf("best K by held-out log-likelihood: %d; by BIC: %d (train %d sequences, held out %d)%n",
                    r.bestByHeldOut(), r.bestByBic(), split[0].length, split[1].length);
            return 0;
        }

        static int[] parseRange(String s) {
            String t = s.trim();
            try {
                if (t.contains("..")) {
                    String[] p = t.split("\\.\\.", -1);
                    int a = Integer.parseInt(p[0].trim());
                    int b = Integer.parseInt(p[1].trim());
                    if (a < 1 || b < a) {
                        throw new IllegalArgumentException("--states " + s + ": need 1 <= from <= to");
                    }
                    return new int[]{a, b};
                }
                int k = Integer.parseInt(t);
                return new int[]{k, k};
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--states " + s + ": expected a range like 1..8", e);
            }
        }
    }
}
