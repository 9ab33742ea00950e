package org.trainingdynamics.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.trainingdynamics.dln.ConvergenceRate;
import org.trainingdynamics.dln.DlnConfig;
import org.trainingdynamics.dln.DlnProblem;
import org.trainingdynamics.dln.DlnSimulation;
import org.trainingdynamics.dln.ImplicitBias;
import org.trainingdynamics.viz.Figures;

/**
 * Study (not a timing benchmark): the convergence-rate / generalisation trade-off of dmft.md §4 at d = 1000, α = 0.5,
 * Bernoulli(0.1)×Rademacher teacher, s₀ ∈ {1, 0.3, 0.1, 0.03}; prints the table and writes docs/img/dln-tradeoff.png.
 */
public final class DlnTradeOffStudy {
    private DlnTradeOffStudy() {
    }

    public static void main(String[] args) {
        DlnConfig base = DlnConfig.builder().d(1000).alpha(0.5).checkpoints(41).seed(1).build();
        DlnProblem p = DlnProblem.generate(base);
        List<ConvergenceRate> rs = new ArrayList<>();
        for (double s0 : new double[] {1, 0.3, 0.1, 0.03}) {
            DlnConfig c = base.toBuilder().s0(s0).build();
            double h = Math.min(0.05, ImplicitBias.stableStep(c, 1));
            c = c.toBuilder().step(h).horizon(s0 >= 1 ? 10 : (s0 > 0.05 ? 60 : 150)).build();
            rs.add(ConvergenceRate.of(p, DlnSimulation.run(p, c)));
        }
        System.out.println(ConvergenceRate.toTable(rs).print());
        Path out = Path.of(args.length > 0 ? args[0] : "docs/img/dln-tradeoff");
        System.out.println("figure: " + Figures.save(ConvergenceRate.tradeOffChart(rs), out));
    }
}
