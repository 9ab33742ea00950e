package org.trainingdynamics.koopman;

import java.util.List;
import java.util.Optional;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The outcome of a {@link ConjugacyTest}: distance, null, p-value and decision, with the assumptions they rest on.
 *
 * @param distance        W̄_AB, mean spectral distance over cross-condition pairs of runs
 * @param crossDistances  every W(a_i, b_j), row-major over (i, j)
 * @param withinA         W between runs of condition A (all pairs)
 * @param withinB         W between runs of condition B
 * @param nullMean        mean within-condition W (NaN when neither condition has 2 runs; the decision is then
 *                        INCONCLUSIVE)
 * @param nullSd          sample sd of the within-condition W
 * @param null95          95th percentile of the within-condition W
 * @param pValue          permutation p-value of W̄_AB on run labels
 * @param minimumP        smallest attainable p-value with these run counts
 * @param permutations    relabelings evaluated
 * @param exact           whether every relabeling was enumerated
 * @param alpha           significance level
 * @param decision        NOT_CONJUGATE, CONSISTENT_WITH_CONJUGACY or INCONCLUSIVE
 * @param assumptions     what the decision assumes
 * @param ground          ground metric used
 * @param spectraA        the spectra of condition A's runs
 * @param spectraB        the spectra of condition B's runs
 * @param bootstrapA      bootstrap intervals on A's eigenvalues, when requested
 * @param bootstrapB      bootstrap intervals on B's eigenvalues, when requested
 */
public record ConjugacyResult(double distance, double[] crossDistances, double[] withinA, double[] withinB,
                              double nullMean, double nullSd, double null95, double pValue, double minimumP,
                              int permutations, boolean exact, double alpha, ConjugacyTest.Decision decision,
                              List<String> assumptions, SpectralDistance.Ground ground, List<KoopmanSpectrum> spectraA,
                              List<KoopmanSpectrum> spectraB, Optional<BootstrapIntervals> bootstrapA,
                              Optional<BootstrapIntervals> bootstrapB) {

    /** W̄_AB divided by the mean within-condition distance (the paper's "≈10×" comparisons). */
    public double ratioToNull() {
        return distance / nullMean;
    }

    /** Key figures as a two-column table (quantity, value). */
    public Table toTable() {
        StringColumn q = StringColumn.create("quantity", "W_AB (mean cross-condition)", "null mean (within)",
                "null sd (within)", "null 95th percentile", "ratio W_AB / null mean", "p-value", "minimum attainable p",
                "alpha");
        DoubleColumn v = DoubleColumn.create("value", distance, nullMean, nullSd, null95, ratioToNull(), pValue,
                minimumP, alpha);
        return Table.create("conjugacy-test", q, v);
    }

    /** A multi-line human-readable report: figures, decision and assumptions. */
    public String report() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("runs: A %d, B %d; ground metric %s%n", spectraA.size(), spectraB.size(), ground));
        sb.append(String.format("W_AB (mean over %d cross pairs) = %.6g%n", crossDistances.length, distance));
        sb.append(String.format("within-condition null: mean %.6g, sd %.6g, 95%% %.6g (%d pairs); ratio %.3g%n",
                nullMean, nullSd, null95, withinA.length + withinB.length, ratioToNull()));
        sb.append(String.format("permutation p = %.4g (%s, %d relabelings; minimum attainable %.3g)%n", pValue,
                exact ? "exact" : "Monte Carlo", permutations, minimumP));
        sb.append("decision at alpha = ").append(alpha).append(": ").append(decision).append('\n');
        sb.append("assumptions:\n");
        for (String a : assumptions) {
            sb.append("  - ").append(a).append('\n');
        }
        return sb.toString();
    }
}
