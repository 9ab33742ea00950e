package org.trainingdynamics.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.trainingdynamics.dln.DlnConfig;

/**
 * The named training setups, each a builder with its paper's defaults, and their command-line names:
 * <ul>
 *   <li>{@code omd-ogd} — {@link #onlineConvex()}: OMD, OGD and bisection on Σ tan(x_i) (Redman et al. 2024, Fig. 2);</li>
 *   <li>{@code grokking-mlp} — {@link #grokkingMlp()}: modular-addition MLP, AdamW, wd 1 vs 0 (spectral notes §6);</li>
 *   <li>{@code sparse-parity} — {@link #sparseParity()}: (40, 3)-parity MLP, SGD, hinge (Hu et al. 2023);</li>
 *   <li>{@code fcn} — {@link #fcn()}: 784–h–10 networks on Fashion-MNIST, base seeds × perturbed copies (Redman et al. 2024, Fig. 3);</li>
 *   <li>{@code cnn} — {@link #cnn()}: a LeNet-5-like CNN on Fashion-MNIST, every epoch and densely early on;</li>
 *   <li>{@code transformer} — {@link #transformer()}: the one-layer modular-addition transformer, grokking or
 *       norm-constrained (Redman et al. 2024 §2d; Hu et al. 2023);</li>
 *   <li>{@code dln} — {@link #dln()}: a diagonal linear network on sparse regression, small-step gradient descent
 *       as the gradient-flow proxy (dmft.md §1; Nishiyama &amp; Imaizumi 2025).</li>
 * </ul>
 * Example: {@code Setups.grokkingMlp().weightDecay(0).build().run(1, Path.of("runs/wd0"))}.
 */
public final class Setups {
    private Setups() {
    }

    /** OMD / OGD / bisection on f(x) = Σ tan(x_i). */
    public static OnlineConvexSetup.Builder onlineConvex() {
        return OnlineConvexSetup.builder();
    }

    /** The grokking MLP on modular addition. */
    public static GrokkingMlpSetup.Builder grokkingMlp() {
        return GrokkingMlpSetup.builder();
    }

    /** Sparse parity with Hu et al.'s official settings. */
    public static SparseParitySetup.Builder sparseParity() {
        return SparseParitySetup.builder();
    }

    /** Narrow vs wide FCNs on Fashion-MNIST. */
    public static FcnSetup.Builder fcn() {
        return FcnSetup.builder();
    }

    /** The LeNet-5-like CNN on Fashion-MNIST. */
    public static CnnSetup.Builder cnn() {
        return CnnSetup.builder();
    }

    /** The one-layer transformer on modular addition (grokking or norm-constrained). */
    public static TransformerSetup.Builder transformer() {
        return TransformerSetup.builder();
    }

    /** The diagonal linear network on sparse regression. */
    public static DlnSetup.Builder dln() {
        return DlnSetup.builder();
    }

    /** Command-line names of the setups. */
    public static List<String> names() {
        return List.of("omd-ogd", "grokking-mlp", "sparse-parity", "fcn", "cnn", "transformer", "dln");
    }

    /**
     * Builds a setup from its command-line name and {@code key=value} options (the builder methods' names in
     * kebab case, e.g. {@code weight-decay=0}); unknown names or keys and bad values raise
     * {@link IllegalArgumentException} listing what is accepted.
     */
    public static Setup fromOptions(String name, Map<String, String> options) {
        return switch (name) {
            case "omd-ogd" -> {
                OnlineConvexSetup.Builder b = onlineConvex();
                Map<String, BiConsumer<OnlineConvexSetup.Builder, String>> k = new LinkedHashMap<>();
                k.put("eta", (x, v) -> x.eta(dbl(v)));
                k.put("steps", (x, v) -> x.steps(integer(v)));
                k.put("grid", (x, v) -> x.grid(integer(v)));
                apply(name, b, k, options);
                yield b.build();
            }
            case "grokking-mlp" -> {
                GrokkingMlpSetup.Builder b = grokkingMlp();
                Map<String, BiConsumer<GrokkingMlpSetup.Builder, String>> k = new LinkedHashMap<>();
                k.put("p", (x, v) -> x.p(integer(v)));
                k.put("train-fraction", (x, v) -> x.trainFraction(dbl(v)));
                k.put("width", (x, v) -> x.width(integer(v)));
                k.put("lr", (x, v) -> x.lr(dbl(v)));
                k.put("weight-decay", (x, v) -> x.weightDecay(dbl(v)));
                k.put("steps", (x, v) -> x.steps(integer(v)));
                k.put("checkpoint-every", (x, v) -> x.checkpointEvery(integer(v)));
                k.put("init-scale", (x, v) -> x.initScale(dbl(v)));
                apply(name, b, k, options);
                yield b.build();
            }
            case "sparse-parity" -> {
                SparseParitySetup.Builder b = sparseParity();
                Map<String, BiConsumer<SparseParitySetup.Builder, String>> k = new LinkedHashMap<>();
                k.put("width", (x, v) -> x.width(integer(v)));
                k.put("lr", (x, v) -> x.lr(dbl(v)));
                k.put("weight-decay", (x, v) -> x.weightDecay(dbl(v)));
                k.put("batch", (x, v) -> x.batch(integer(v)));
                k.put("epochs", (x, v) -> x.epochs(integer(v)));
                k.put("checkpoint-epochs", (x, v) -> x.checkpointEpochs(integer(v)));
                k.put("init-scale", (x, v) -> x.initScale(dbl(v)));
                apply(name, b, k, options);
                yield b.build();
            }
            case "fcn" -> {
                FcnSetup.Builder b = fcn();
                Map<String, BiConsumer<FcnSetup.Builder, String>> k = new LinkedHashMap<>();
                k.put("hidden", (x, v) -> x.hidden(integer(v)));
                k.put("lr", (x, v) -> x.lr(dbl(v)));
                k.put("batch", (x, v) -> x.batch(integer(v)));
                k.put("epochs", (x, v) -> x.epochs(integer(v)));
                k.put("copies", (x, v) -> x.copies(integer(v)));
                k.put("perturbation", (x, v) -> x.perturbation(dbl(v)));
                k.put("record-first-layer", (x, v) -> x.recordFirstLayer(bool(v)));
                k.put("train-limit", (x, v) -> x.trainLimit(integer(v)));
                apply(name, b, k, options);
                yield b.build();
            }
            case "cnn" -> {
                CnnSetup.Builder b = cnn();
                Map<String, BiConsumer<CnnSetup.Builder, String>> k = new LinkedHashMap<>();
                k.put("lr", (x, v) -> x.lr(dbl(v)));
                k.put("batch", (x, v) -> x.batch(integer(v)));
                k.put("epochs", (x, v) -> x.epochs(integer(v)));
                k.put("early-steps", (x, v) -> x.earlyPhase(integer(v), 10));
                k.put("train-limit", (x, v) -> x.trainLimit(integer(v)));
                apply(name, b, k, options);
                yield b.build();
            }
            case "transformer" -> {
                TransformerSetup.Builder b = transformer();
                Map<String, BiConsumer<TransformerSetup.Builder, String>> k = new LinkedHashMap<>();
                k.put("p", (x, v) -> x.p(integer(v)));
                k.put("train-fraction", (x, v) -> x.trainFraction(dbl(v)));
                k.put("constrained", (x, v) -> x.constrained(bool(v)));
                k.put("lr", (x, v) -> x.lr(dbl(v)));
                k.put("weight-decay", (x, v) -> x.weightDecay(dbl(v)));
                k.put("steps", (x, v) -> x.steps(integer(v)));
                k.put("checkpoint-every", (x, v) -> x.checkpointEvery(integer(v)));
                k.put("record-all", (x, v) -> x.recordAll(bool(v)));
                apply(name, b, k, options);
                yield b.build();
            }
            case "dln" -> {
                DlnSetup.Builder b = dln();
                Map<String, BiConsumer<DlnSetup.Builder, String>> k = new LinkedHashMap<>();
                k.put("d", (x, v) -> x.d(integer(v)));
                k.put("alpha", (x, v) -> x.alpha(dbl(v)));
                k.put("sparsity", (x, v) -> x.sparsity(dbl(v)));
                k.put("prior", (x, v) -> x.prior(v));
                k.put("noise", (x, v) -> x.noise(dbl(v)));
                k.put("s0", (x, v) -> x.s0(dbl(v)));
                k.put("gamma", (x, v) -> x.gamma(dbl(v)));
                k.put("parameterization", (x, v) -> x.parameterization(v));
                k.put("integrator", (x, v) -> x.integrator(integrator(v)));
                k.put("step", (x, v) -> x.step(dbl(v)));
                k.put("horizon", (x, v) -> x.horizon(dbl(v)));
                k.put("checkpoints", (x, v) -> x.checkpoints(integer(v)));
                k.put("support-threshold", (x, v) -> x.supportThreshold(dbl(v)));
                k.put("record-parameters", (x, v) -> x.recordParameters(bool(v)));
                apply(name, b, k, options);
                yield b.build();
            }
            default -> throw new IllegalArgumentException("unknown setup '" + name + "'; setups are " + names());
        };
    }

    private static <B> void apply(String setup, B builder, Map<String, BiConsumer<B, String>> keys, Map<String, String> options) {
        for (Map.Entry<String, String> e : options.entrySet()) {
            BiConsumer<B, String> f = keys.get(e.getKey());
            if (f == null) {
                throw new IllegalArgumentException("setup '" + setup + "' has no option '" + e.getKey() + "'; options are "
                        + keys.keySet());
            }
            try {
                f.accept(builder, e.getValue());
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("option " + e.getKey() + "=" + e.getValue() + ": not a number");
            }
        }
    }

    private static double dbl(String v) {
        return Double.parseDouble(v.strip());
    }

    private static int integer(String v) {
        return Integer.parseInt(v.strip());
    }

    private static DlnConfig.Integrator integrator(String v) {
        return switch (v.strip().toLowerCase()) {
            case "mirror" -> DlnConfig.Integrator.MIRROR;
            case "parameters" -> DlnConfig.Integrator.PARAMETERS;
            default -> throw new IllegalArgumentException("expected mirror or parameters, got '" + v + "'");
        };
    }

    private static boolean bool(String v) {
        return switch (v.strip().toLowerCase()) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new IllegalArgumentException("expected true or false, got '" + v + "'");
        };
    }
}
