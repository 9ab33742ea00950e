package org.trainingdynamics.cmd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.trainingdynamics.trajectory.InMemoryTrajectory;
import org.trainingdynamics.trajectory.TensorSpec;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * Embedded CMD (Brokman et al., ICLR 2024, Sec. 3.3; official {@code train_cmd.py --cmd_embed}) as a hook a
 * trainer calls once per epoch with its flattened parameters; it returns the parameters training must
 * continue from.
 *
 * <ul>
 *   <li>Epochs {@code 0..F} (warm-up): the parameters pass through unchanged and are recorded; at epoch F
 *       post-hoc CMD on those F+1 checkpoints fixes modes and references ({@link OnlineCmd} thereafter).</li>
 *   <li>Every later epoch: the online coefficients are updated with the trained parameters; embedded
 *       parameters keep the (a, b) they had when embedded and are overwritten with
 *       {@code a_i · w_ref(t) + b_i}, the reference taken from the current parameters.</li>
 *   <li>Every epoch divisible by L: the P% of parameters (of all N, or of the not yet embedded with
 *       {@code relative}) whose (a, b) moved least (Euclidean) since the previous such epoch become
 *       embedded from the next epoch on; references are never embedded.</li>
 * </ul>
 * Defaults are the official ones: F = 20, L = 10, P = 10%, not relative, CMD with M = 10, K = 1000.
 */
public final class EmbeddedCmd {
    /**
     * @param warmup   F, the last warm-up epoch (CMD is fitted on epochs 0..F)
     * @param window   L, epochs between embedding rounds
     * @param percent  P, percentage of parameters embedded per round
     * @param relative whether P is a percentage of the not yet embedded parameters
     * @param cmd      the post-hoc CMD run at the end of warm-up
     */
    public record Config(int warmup, int window, double percent, boolean relative, Cmd cmd) {
        public Config {
            if (warmup < 1) {
                throw new IllegalArgumentException("warm-up must be at least 1 epoch (2 checkpoints), got " + warmup);
            }
            if (window < 1) {
                throw new IllegalArgumentException("embedding window must be >= 1, got " + window);
            }
            if (!(percent >= 0 && percent <= 100)) {
                throw new IllegalArgumentException("embedding percentage must be in [0, 100], got " + percent);
            }
            if (cmd == null) {
                throw new IllegalArgumentException("cmd configuration must not be null");
            }
        }

        /** The settings as a JSON-serialisable map (e.g. for a training run's metadata). */
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", "embedded_cmd");
            m.put("warmup", warmup);
            m.put("window", window);
            m.put("percent", percent);
            m.put("relative", relative);
            m.put("modes", cmd.modes());
            m.put("criterion", cmd.criterion().name().toLowerCase(java.util.Locale.ROOT));
            m.put("threshold", cmd.threshold());
            m.put("sample_size", cmd.sampleSize());
            m.put("seed", cmd.seed());
            if (cmd.sample() != null) {
                m.put("sample", cmd.sample());
            }
            return m;
        }

        /** The official defaults: F = 20, L = 10, P = 10, absolute, M = 10, K = 1000. */
        public static Config defaults() {
            return new Config(20, 10, 10, false, Cmd.builder().build());
        }
    }

    private final Config config;
    private final List<TensorSpec> tensors;
    private final int n;
    private final List<double[]> warmupHistory = new ArrayList<>();
    private final Map<Integer, Integer> embeddedOverTime = new LinkedHashMap<>();
    private int nextEpoch = 0;
    private OnlineCmd online;
    private CmdResult warmupFit;
    private boolean[] embedded;
    private int embeddedCount;
    private double[] aFrozen;
    private double[] bFrozen;

    /** A hook for a model whose flattened parameters are {@code tensors} in order (layer-balanced sampling uses them). */
    public EmbeddedCmd(List<TensorSpec> tensors, Config config) {
        this.config = config;
        this.tensors = List.copyOf(tensors);
        long total = 0;
        for (TensorSpec s : tensors) {
            total += s.size();
        }
        if (total < 2 || total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("embedded CMD needs between 2 and 2^31 parameters, got " + total);
        }
        this.n = (int) total;
    }

    /**
     * Called after each epoch ({@code epoch = 0, 1, 2, …}, no gaps) with the trained parameters; returns the
     * parameters to continue training from (the same values during warm-up; embedded ones replaced after).
     */
    public double[] onEpoch(int epoch, double[] params) {
        if (epoch != nextEpoch) {
            throw new IllegalArgumentException("expected epoch " + nextEpoch + ", got " + epoch
                    + " (call onEpoch once per epoch, starting at 0)");
        }
        if (params.length != n) {
            throw new IllegalArgumentException("parameter vector has " + params.length + " entries, the model has " + n);
        }
        for (double v : params) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("epoch " + epoch + ": parameters hold a non-finite value (" + v + ")");
            }
        }
        nextEpoch++;
        if (epoch <= config.warmup()) {
            warmupHistory.add(params.clone());
            if (epoch == config.warmup()) {
                fitWarmup();
            }
            return params.clone();
        }
        online.update(params);
        double[] a = online.a();
        double[] b = online.b();
        long[] refs = online.references();
        int[] mode = online.modes();
        double[] out = params.clone();
        for (int i = 0; i < n; i++) {
            if (embedded[i]) {
                a[i] = aFrozen[i];
                b[i] = bFrozen[i];
                out[i] = a[i] * params[(int) refs[mode[i]]] + b[i];
            }
        }
        if (epoch % config.window() == 0) {
            embedRound(a, b, refs);
        }
        embeddedOverTime.put(epoch, embeddedCount);
        return out;
    }

    private void fitWarmup() {
        InMemoryTrajectory.Builder tb = InMemoryTrajectory.builder();
        for (TensorSpec s : tensors) {
            tb.tensor(s.name(), s.shape());
        }
        for (int e = 0; e < warmupHistory.size(); e++) {
            double[] p = warmupHistory.get(e);
            Map<String, double[]> row = new LinkedHashMap<>();
            int off = 0;
            for (TensorSpec s : tensors) {
                int len = (int) s.size();
                row.put(s.name(), Arrays.copyOfRange(p, off, off + len));
                off += len;
            }
            tb.checkpoint(e, e, row);
        }
        warmupFit = config.cmd().fit(tb.build());
        warmupHistory.clear();
        online = OnlineCmd.of(warmupFit);
        aFrozen = online.a();
        bFrozen = online.b();
        embedded = new boolean[n];
    }

    private void embedRound(double[] a, double[] b, long[] refs) {
        double[] diff = new double[n];
        double max = 0;
        for (int i = 0; i < n; i++) {
            double da = aFrozen[i] - a[i];
            double db = bFrozen[i] - b[i];
            diff[i] = Math.sqrt(da * da + db * db);
            max = Math.max(max, diff[i]);
        }
        aFrozen = a;
        bFrozen = b;
        for (int i = 0; i < n; i++) {
            if (embedded[i]) {
                diff[i] = max + 1;
            }
        }
        int total = config.relative() ? n - embeddedCount : n;
        int count = (int) Math.ceil(total * (config.percent() / 100));
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> diff[i]));
        for (int j = 0; j < Math.min(count, n); j++) {
            embedded[order[j]] = true;
        }
        for (long r : refs) {
            embedded[(int) r] = false;
        }
        int c = 0;
        for (boolean e : embedded) {
            c += e ? 1 : 0;
        }
        embeddedCount = c;
    }

    /** Whether warm-up is over (CMD fitted). */
    public boolean fitted() {
        return online != null;
    }

    /** The post-hoc CMD fitted at the end of warm-up. */
    public CmdResult warmupFit() {
        if (warmupFit == null) {
            throw new IllegalStateException("warm-up (epochs 0.." + config.warmup() + ") not finished yet");
        }
        return warmupFit;
    }

    /** Number of parameters embedded now. */
    public int embeddedCount() {
        return embeddedCount;
    }

    /** Which parameters are embedded now (a copy; all false during warm-up). */
    public boolean[] embedded() {
        return embedded == null ? new boolean[n] : embedded.clone();
    }

    /** The frozen coefficients (a, b) of embedded parameters as of the last embedding round. */
    public double[][] frozenCoefficients() {
        if (aFrozen == null) {
            throw new IllegalStateException("warm-up not finished yet");
        }
        return new double[][]{aFrozen.clone(), bFrozen.clone()};
    }

    /** Embedded parameters after each post-warm-up epoch: columns {@code epoch}, {@code embedded}, {@code fraction}. */
    public Table history() {
        IntColumn e = IntColumn.create("epoch");
        IntColumn c = IntColumn.create("embedded");
        DoubleColumn f = DoubleColumn.create("fraction");
        embeddedOverTime.forEach((epoch, count) -> {
            e.append(epoch);
            c.append(count);
            f.append((double) count / n);
        });
        return Table.create("embedded CMD", e, c, f);
    }
}
