package org.trainingdynamics.hmm;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.TDistribution;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * Detour states (Hu et al. 2023 §2.3; {@code 05_graph_analysis.get_state_correlations}): for each state k, the
 * binary vector v_k of which runs ever visit it and the point-biserial (Pearson) correlation
 * {@code rho_k = corr(v_k, c)} with the runs' convergence times c, its t statistic
 * {@code t = rho sqrt(n-2) / sqrt(1-rho^2)} and the two-sided p-value {@code 2 (1 - F_{n-2}(|t|))} — the slope
 * test of regressing c on v_k. A state visited by every run has no variance (rho undefined) and is
 * <em>obligatory</em>; a state with {@code rho > 0} and {@code p < alpha} is a <em>detour</em>: visiting it
 * delays convergence.
 *
 * <p>The released notebook computes {@code p = 2 (1 - F(t))}, one-sided and above 1 for negative t; {@code
 * paperCompatibleP = true} reproduces that for comparison with the published numbers.
 */
public final class DetourAnalysis {
    private DetourAnalysis() {
    }

    /**
     * Convergence time of one run: the first checkpoint index whose value exceeds {@code threshold} (e.g. eval
     * accuracy &gt; 0.9), or the curve length ({@code max_len}) if never.
     */
    public static int convergenceTime(double[] curve, double threshold) {
        for (int t = 0; t < curve.length; t++) {
            if (curve[t] > threshold) {
                return t;
            }
        }
        return curve.length;
    }

    /** Correlates state visits with convergence times; {@code alpha} is the significance level (0.05). */
    public static Result of(List<int[]> paths, double[] convergence, int states, double alpha, boolean paperCompatibleP) {
        int n = paths.size();
        if (n != convergence.length) {
            throw new IllegalArgumentException(n + " state paths but " + convergence.length + " convergence times");
        }
        if (n < 3) {
            throw new IllegalArgumentException("need at least 3 runs to test correlations, got " + n);
        }
        boolean[][] visited = new boolean[states][n];
        for (int r = 0; r < n; r++) {
            for (int s : paths.get(r)) {
                if (s < 0 || s >= states) {
                    throw new IllegalArgumentException("run " + r + " visits state " + s + ", outside 0.." + (states - 1));
                }
                visited[s][r] = true;
            }
        }
        List<Row> rows = new ArrayList<>();
        TDistribution tdist = new TDistribution(null, n - 2);
        for (int k = 0; k < states; k++) {
            int count = 0;
            for (boolean b : visited[k]) {
                count += b ? 1 : 0;
            }
            double[] v = new double[n];
            for (int r = 0; r < n; r++) {
                v[r] = visited[k][r] ? 1 : 0;
            }
            double rho = pearson(v, convergence);
            double t = Double.NaN;
            double p = Double.NaN;
            if (!Double.isNaN(rho)) {
                t = Math.abs(rho) >= 1 ? Math.copySign(Double.POSITIVE_INFINITY, rho)
                        : rho * Math.sqrt(n - 2) / Math.sqrt(1 - rho * rho);
                p = paperCompatibleP ? 2 * (1 - tdist.cumulativeProbability(t))
                        : 2 * tdist.cumulativeProbability(-Math.abs(t));
            }
            boolean obligatory = count == n;
            boolean detour = !Double.isNaN(rho) && rho > 0 && p < alpha;
            rows.add(new Row(k, count, rho, t, p, obligatory, detour));
        }
        return new Result(rows, n, alpha);
    }

    /** Pearson correlation; NaN when either vector is constant. */
    static double pearson(double[] a, double[] b) {
        int n = a.length;
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < n; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= n;
        mb /= n;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < n; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        if (saa == 0 || sbb == 0) {
            return Double.NaN;
        }
        return sab / Math.sqrt(saa * sbb);
    }

    /** One state's statistics. */
    public record Row(int state, int visitedRuns, double rho, double t, double p, boolean obligatory, boolean detour) {
    }

    /** Per-state results. */
    public record Result(List<Row> rows, int runs, double alpha) {
        /** The detour states. */
        public List<Integer> detours() {
            return rows.stream().filter(Row::detour).map(Row::state).toList();
        }

        /** The obligatory states (visited by every run). */
        public List<Integer> obligatory() {
            return rows.stream().filter(Row::obligatory).map(Row::state).toList();
        }

        /** A table: state, visited_runs, rho, t, p, obligatory, detour. */
        public Table toTable() {
            IntColumn s = IntColumn.create("state");
            IntColumn v = IntColumn.create("visited_runs");
            DoubleColumn rho = DoubleColumn.create("rho");
            DoubleColumn t = DoubleColumn.create("t");
            DoubleColumn p = DoubleColumn.create("p");
            BooleanColumn o = BooleanColumn.create("obligatory");
            BooleanColumn d = BooleanColumn.create("detour");
            for (Row r : rows) {
                s.append(r.state);
                v.append(r.visitedRuns);
                rho.append(r.rho);
                t.append(r.t);
                p.append(r.p);
                o.append(r.obligatory);
                d.append(r.detour);
            }
            return Table.create("detour-states", s, v, rho, t, p, o, d);
        }
    }
}
