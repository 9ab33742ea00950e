package org.trainingdynamics.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.trainingdynamics.dln.DlnConfig;
import org.trainingdynamics.dln.DlnEnsemble;
import org.trainingdynamics.dln.DlnRun;
import org.trainingdynamics.dln.DlnSimulation;
import org.trainingdynamics.dln.DmftComparison;
import org.trainingdynamics.dln.DmftConfig;
import org.trainingdynamics.dln.DmftResult;
import org.trainingdynamics.dln.DmftSolver;
import org.trainingdynamics.dln.IncrementalLearning;
import org.trainingdynamics.dln.Parameterization;
import org.trainingdynamics.dln.SparsePrior;
import org.trainingdynamics.trajectory.DType;
import org.trainingdynamics.trajectory.Metrics;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.viz.Figures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code workbench dln simulate|dmft}: finite-d diagonal-linear-network gradient flow and its DMFT effective process
 * (package {@code org.trainingdynamics.dln}; research note dmft.md). Both write CSV curves and PNG/SVG figures.
 */
@Command(name = "dln", mixinStandardHelpOptions = true,
        description = "Diagonal linear networks: simulate gradient flow, solve the DMFT effective process.",
        subcommands = {DlnCommand.Simulate.class, DlnCommand.Dmft.class})
public final class DlnCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** Options shared by both: the model and data (dmft.md §1). */
    static final class Model {
        @Option(names = "--alpha", defaultValue = "0.5", description = "n/d (default ${DEFAULT-VALUE})")
        double alpha;
        @Option(names = "--rho", defaultValue = "0.1", description = "teacher sparsity (default ${DEFAULT-VALUE})")
        double rho;
        @Option(names = "--prior", defaultValue = "rademacher",
                description = "non-zero law: rademacher | gaussian | atoms:1,2,4 (default ${DEFAULT-VALUE})")
        String prior;
        @Option(names = "--sigma", defaultValue = "0", description = "label-noise s.d. (default ${DEFAULT-VALUE})")
        double sigma;
        @Option(names = "--s0", defaultValue = "0.1", description = "initialisation scale, gamma = 2 s0^2 (default ${DEFAULT-VALUE})")
        double s0;
        @Option(names = "--param", defaultValue = "diff-squares",
                description = "diff-squares | product | depth-D (default ${DEFAULT-VALUE})")
        String param;
        @Option(names = "--step", defaultValue = "0.05", description = "GD step h (default ${DEFAULT-VALUE})")
        double step;
        @Option(names = "--horizon", defaultValue = "10", description = "final time T (default ${DEFAULT-VALUE})")
        double horizon;
        @Option(names = "--seed", defaultValue = "1", description = "seed (default ${DEFAULT-VALUE})")
        long seed;
        @Option(names = {"-o", "--out"}, required = true, description = "output folder")
        Path out;

        SparsePrior prior() {
            try {
                return SparsePrior.parse(prior, rho);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--" + e.getMessage());
            }
        }
    }

    /** {@code dln simulate}. */
    @Command(name = "simulate", mixinStandardHelpOptions = true,
            description = "Finite-d DLN gradient flow over seeds: ensemble.csv, one trajectory store per seed, figures.")
    static final class Simulate implements Callable<Integer> {
        @Mixin
        Model m;
        @Option(names = "--d", defaultValue = "1000", description = "dimension (default ${DEFAULT-VALUE})")
        int d;
        @Option(names = "--seeds", defaultValue = "1", description = "number of seeds (default ${DEFAULT-VALUE})")
        int seeds;
        @Option(names = "--checkpoints", defaultValue = "101", description = "checkpoints (default ${DEFAULT-VALUE})")
        int checkpoints;
        @Option(names = "--integrator", defaultValue = "MIRROR", description = "MIRROR | PARAMETERS (default ${DEFAULT-VALUE})")
        DlnConfig.Integrator integrator;
        @Option(names = "--no-store", description = "do not write the per-seed trajectory stores")
        boolean noStore;

        @Override
        public Integer call() throws Exception {
            DlnConfig c = DlnConfig.builder().d(d).alpha(m.alpha).prior(m.prior()).sigma(m.sigma).s0(m.s0)
                    .parameterization(Parameterization.parse(m.param)).integrator(integrator).step(m.step)
                    .horizon(m.horizon).checkpoints(checkpoints).seed(m.seed).build();
            Files.createDirectories(m.out);
            DlnEnsemble e = DlnSimulation.runSeeds(c, seeds);
            Metrics.writeCsv(e.toTable(), m.out.resolve("ensemble.csv"));
            for (DlnRun r : e.runs()) {
                if (!noStore) {
                    Trajectories.write(r.trajectory(), m.out.resolve("seed-" + r.config().seed()), DType.FLOAT64);
                }
            }
            DlnRun first = e.runs().get(0);
            Figures.save(e.lossChart(), m.out.resolve("loss"));
            Figures.save(first.coordinateChart(40), m.out.resolve("coordinates"));
            IncrementalLearning.Result inc = IncrementalLearning.analyze(first);
            Metrics.writeCsv(withStep(inc.toTable()), m.out.resolve("activation.csv"));
            Figures.save(inc.chart(), m.out.resolve("incremental"));
            int last = e.times().length - 1;
            System.out.printf(Locale.ROOT, "d=%d seeds=%d  E_tr(T)=%.4g ± %.2g  E_te(T)=%.4g ± %.2g  -> %s%n", d, seeds,
                    e.trainMean()[last], e.trainSe()[last], e.testMean()[last], e.testSe()[last], m.out);
            System.out.println(inc.toTable().print());
            return 0;
        }
    }

    /** {@code dln dmft}. */
    @Command(name = "dmft", mixinStandardHelpOptions = true,
            description = "Solve the DMFT effective process: dmft.csv, iterations.csv, optional comparison with simulations, figures.")
    static final class Dmft implements Callable<Integer> {
        @Mixin
        Model m;
        @Option(names = "--samples", defaultValue = "4000", description = "Monte-Carlo samples N (default ${DEFAULT-VALUE})")
        int samples;
        @Option(names = "--damping", defaultValue = "0.5", description = "damping theta (default ${DEFAULT-VALUE})")
        double damping;
        @Option(names = "--max-iter", defaultValue = "60", description = "iteration cap (default ${DEFAULT-VALUE})")
        int maxIter;
        @Option(names = "--tol", defaultValue = "1e-3", description = "relative tolerance on max|dC| (default ${DEFAULT-VALUE})")
        double tol;
        @Option(names = "--passes", defaultValue = "4", description = "averaging passes (default ${DEFAULT-VALUE})")
        int passes;
        @Option(names = "--compare", split = ",", description = "dimensions d of simulations to compare with (e.g. 500,2000)")
        int[] compare;
        @Option(names = "--seeds", defaultValue = "8", description = "seeds per compared d (default ${DEFAULT-VALUE})")
        int seeds;

        @Override
        public Integer call() throws Exception {
            DmftConfig c = DmftConfig.builder().alpha(m.alpha).prior(m.prior()).sigma(m.sigma).s0(m.s0)
                    .parameterization(Parameterization.parse(m.param)).step(m.step).horizon(m.horizon).samples(samples)
                    .damping(damping).maxIterations(maxIter).tolerance(tol).averagingPasses(passes).seed(m.seed).build();
            Files.createDirectories(m.out);
            DmftResult r = DmftSolver.solve(c);
            Metrics.writeCsv(withStep(r.toTable()), m.out.resolve("dmft.csv"));
            Metrics.writeCsv(withStep(r.iterationTable()), m.out.resolve("iterations.csv"));
            Figures.save(r.lossChart(), m.out.resolve("dmft-loss"));
            Figures.save(r.correlationChart(5), m.out.resolve("correlation"));
            Figures.save(r.responseChart(4), m.out.resolve("response"));
            System.out.printf(Locale.ROOT, "DMFT K=%d N=%d: %s after %d iterations (%.1f s)%n", c.gridPoints(), samples,
                    r.converged() ? "converged" : "NOT converged", r.iterations().size(), r.seconds());
            if (compare != null && compare.length > 0) {
                DmftComparison cmp = DmftComparison.run(r, compare, seeds, m.seed + 1000);
                Metrics.writeCsv(withStep(cmp.toTable()), m.out.resolve("comparison.csv"));
                Figures.save(cmp.chart(), m.out.resolve("comparison"));
                System.out.println(cmp.toTable().print());
            }
            return r.converged() ? 0 : 1;
        }
    }

    /** Metrics CSVs carry a leading step column (row index). */
    static tech.tablesaw.api.Table withStep(tech.tablesaw.api.Table t) {
        tech.tablesaw.api.Table c = t.copy();
        tech.tablesaw.api.LongColumn s = tech.tablesaw.api.LongColumn.create("step");
        for (int i = 0; i < c.rowCount(); i++) {
            s.append(i);
        }
        c.insertColumn(0, s);
        return c;
    }
}
