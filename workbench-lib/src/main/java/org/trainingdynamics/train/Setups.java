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
        return fromOptions(name, options, null);
    }

    /** Setups that train in epochs and so take an {@link EpochHook} ({@code epochHook} on their builders). */
    public static List<String> epochHookSetups() {
        return List.of("sparse-parity", "cnn");
    }

    /**
     * As {@link #fromOptions(String, Map)}, with an {@link EpochHook} (null: none) for the setups of
     * {@link #epochHookSetups()}; other setups refuse one.
     */
    public static Setup fromOptions(String name, Map<String, String> options, EpochHook.Factory epochHook) {
        if (epochHook != null && names().contains(name) && !epochHookSetups().contains(name)) {
            throw new IllegalArgumentException("setup '" + name + "' takes no epoch hook (embedded CMD); setups "
                    + "that train in epochs and take one: " + epochHookSetups());
        }
        return switch (name) {
            case "omd-ogd" -> new Keys<>(name, onlineConvex())
                    .dbl("eta", OnlineConvexSetup.Builder::eta)
                    .integer("steps", OnlineConvexSetup.Builder::steps)
                    .integer("grid", OnlineConvexSetup.Builder::grid)
                    .apply(options).build();
            case "grokking-mlp" -> new Keys<>(name, grokkingMlp())
                    .integer("p", GrokkingMlpSetup.Builder::p)
                    .dbl("train-fraction", GrokkingMlpSetup.Builder::trainFraction)
                    .integer("width", GrokkingMlpSetup.Builder::width)
                    .dbl("lr", GrokkingMlpSetup.Builder::lr)
                    .dbl("weight-decay", GrokkingMlpSetup.Builder::weightDecay)
                    .integer("steps", GrokkingMlpSetup.Builder::steps)
                    .integer("checkpoint-every", GrokkingMlpSetup.Builder::checkpointEvery)
                    .dbl("init-scale", GrokkingMlpSetup.Builder::initScale)
                    .apply(options).build();
            case "sparse-parity" -> new Keys<>(name, sparseParity())
                    .integer("width", SparseParitySetup.Builder::width)
                    .dbl("lr", SparseParitySetup.Builder::lr)
                    .dbl("weight-decay", SparseParitySetup.Builder::weightDecay)
                    .integer("batch", SparseParitySetup.Builder::batch)
                    .integer("epochs", SparseParitySetup.Builder::epochs)
                    .integer("checkpoint-epochs", SparseParitySetup.Builder::checkpointEpochs)
                    .dbl("init-scale", SparseParitySetup.Builder::initScale)
                    .apply(options).epochHook(epochHook).build();
            case "fcn" -> new Keys<>(name, fcn())
                    .integer("hidden", FcnSetup.Builder::hidden)
                    .dbl("lr", FcnSetup.Builder::lr)
                    .integer("batch", FcnSetup.Builder::batch)
                    .integer("epochs", FcnSetup.Builder::epochs)
                    .integer("copies", FcnSetup.Builder::copies)
                    .dbl("perturbation", FcnSetup.Builder::perturbation)
                    .bool("record-first-layer", FcnSetup.Builder::recordFirstLayer)
                    .integer("train-limit", FcnSetup.Builder::trainLimit)
                    .apply(options).build();
            case "cnn" -> new Keys<>(name, cnn())
                    .dbl("lr", CnnSetup.Builder::lr)
                    .integer("batch", CnnSetup.Builder::batch)
                    .integer("epochs", CnnSetup.Builder::epochs)
                    .integer("early-steps", (b, n) -> b.earlyPhase(n, 10))
                    .integer("train-limit", CnnSetup.Builder::trainLimit)
                    .apply(options).epochHook(epochHook).build();
            case "transformer" -> new Keys<>(name, transformer())
                    .integer("p", TransformerSetup.Builder::p)
                    .dbl("train-fraction", TransformerSetup.Builder::trainFraction)
                    .bool("constrained", TransformerSetup.Builder::constrained)
                    .dbl("lr", TransformerSetup.Builder::lr)
                    .dbl("weight-decay", TransformerSetup.Builder::weightDecay)
                    .integer("steps", TransformerSetup.Builder::steps)
                    .integer("checkpoint-every", TransformerSetup.Builder::checkpointEvery)
                    .bool("record-all", TransformerSetup.Builder::recordAll)
                    .integer("copies", TransformerSetup.Builder::copies)
                    .dbl("perturbation", TransformerSetup.Builder::perturbation)
                    .apply(options).build();
            case "dln" -> new Keys<>(name, dln())
                    .integer("d", DlnSetup.Builder::d)
                    .dbl("alpha", DlnSetup.Builder::alpha)
                    .dbl("sparsity", DlnSetup.Builder::sparsity)
                    .string("prior", DlnSetup.Builder::prior)
                    .dbl("noise", DlnSetup.Builder::noise)
                    .dbl("s0", DlnSetup.Builder::s0)
                    .dbl("gamma", DlnSetup.Builder::gamma)
                    .string("parameterization", DlnSetup.Builder::parameterization)
                    .string("integrator", (b, v) -> b.integrator(integrator(v)))
                    .dbl("step", DlnSetup.Builder::step)
                    .dbl("horizon", DlnSetup.Builder::horizon)
                    .integer("checkpoints", DlnSetup.Builder::checkpoints)
                    .dbl("support-threshold", DlnSetup.Builder::supportThreshold)
                    .bool("record-parameters", DlnSetup.Builder::recordParameters)
                    .apply(options).build();
            default -> throw new IllegalArgumentException("unknown setup '" + name + "'; setups are " + names());
        };
    }

    /** The {@code key=value} options of one setup's builder, each parsed and passed to a builder method. */
    private static final class Keys<B> {
        private final String setup;
        private final B builder;
        private final Map<String, BiConsumer<B, String>> keys = new LinkedHashMap<>();

        Keys(String setup, B builder) {
            this.setup = setup;
            this.builder = builder;
        }

        Keys<B> string(String key, BiConsumer<B, String> f) {
            keys.put(key, f);
            return this;
        }

        Keys<B> dbl(String key, BiConsumer<B, Double> f) {
            return string(key, (b, v) -> f.accept(b, Double.parseDouble(v.strip())));
        }

        Keys<B> integer(String key, BiConsumer<B, Integer> f) {
            return string(key, (b, v) -> f.accept(b, Integer.parseInt(v.strip())));
        }

        Keys<B> bool(String key, BiConsumer<B, Boolean> f) {
            return string(key, (b, v) -> f.accept(b, parseBool(v)));
        }

        /** Applies every option to the builder and returns it. */
        B apply(Map<String, String> options) {
            for (Map.Entry<String, String> e : options.entrySet()) {
                BiConsumer<B, String> f = keys.get(e.getKey());
                if (f == null) {
                    throw new IllegalArgumentException("setup '" + setup + "' has no option '" + e.getKey()
                            + "'; options are " + keys.keySet());
                }
                try {
                    f.accept(builder, e.getValue());
                } catch (NumberFormatException ex) {
                    throw new IllegalArgumentException("option " + e.getKey() + "=" + e.getValue() + ": not a number");
                }
            }
            return builder;
        }
    }

    private static DlnConfig.Integrator integrator(String v) {
        return switch (v.strip().toLowerCase()) {
            case "mirror" -> DlnConfig.Integrator.MIRROR;
            case "parameters" -> DlnConfig.Integrator.PARAMETERS;
            default -> throw new IllegalArgumentException("expected mirror or parameters, got '" + v + "'");
        };
    }

    private static boolean parseBool(String v) {
        return switch (v.strip().toLowerCase()) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new IllegalArgumentException("expected true or false, got '" + v + "'");
        };
    }
}
