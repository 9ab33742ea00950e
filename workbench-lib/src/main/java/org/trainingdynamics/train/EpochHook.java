package org.trainingdynamics.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import org.trainingdynamics.trajectory.TensorSpec;

/**
 * A per-epoch intervention in training. The training loop calls it with the initial weights
 * ({@code epoch = 0}, before the first update) and after every epoch ({@code epoch = e} after e epochs, the
 * trajectory's epoch numbering), handing over the model's parameters flattened tensor by tensor in the
 * model's order (row-major within a tensor), and continues training from the vector the hook returns: it is
 * written back into the parameters (rounded to their float32 storage); the optimiser's state (momenta,
 * Adam moments) is kept as it is. The hook runs before that epoch's checkpoint is recorded and the model
 * evaluated, so the trajectory holds the state training continues from; the values of {@link #metrics()}
 * are logged in that epoch's metrics row.
 *
 * <p>The use this exists for is embedded CMD (Brokman et al., ICLR 2024, Sec. 3.3; {@code EmbeddedCmd} in
 * the {@code cmd} package): {@code EpochHook.logging(cmd::onEpoch, "cmd_embedded", cmd::embeddedCount)}.
 * Hooks keep state, so setups take a {@link Factory} that makes a fresh one for every run.
 */
@FunctionalInterface
public interface EpochHook {

    /**
     * The parameters to continue from after {@code epoch} (0 = initial weights), given the trained ones.
     *
     * @param epoch  epochs completed (0, 1, 2, … without gaps)
     * @param params the model's parameters, flattened in the model's tensor order (a copy the hook may keep)
     * @return the parameters to continue training from: same length, finite values
     */
    double[] onEpoch(int epoch, double[] params);

    /** Values to log in the current epoch's metrics row, read right after {@link #onEpoch}; none by default. */
    default Map<String, Double> metrics() {
        return Map.of();
    }

    /** {@code hook}, also logging {@code value} as metrics column {@code column} after every call. */
    static EpochHook logging(EpochHook hook, String column, DoubleSupplier value) {
        if (hook == null || value == null) {
            throw new IllegalArgumentException("hook and metric supplier must not be null");
        }
        if (column == null || !column.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("metric column must be a name of letters, digits and '_', got '"
                    + column + "'");
        }
        return new EpochHook() {
            @Override
            public double[] onEpoch(int epoch, double[] params) {
                return hook.onEpoch(epoch, params);
            }

            @Override
            public Map<String, Double> metrics() {
                Map<String, Double> m = new LinkedHashMap<>(hook.metrics());
                m.put(column, value.getAsDouble());
                return m;
            }
        };
    }

    /**
     * How a setup gets a fresh hook for each run: a description stored in the run's configuration (so the
     * metadata says what changed the training) and a function from the model's parameter layout (names and
     * shapes in flattening order) to the hook.
     *
     * @param description JSON-serialisable settings of the hook, stored under {@code epoch_hook} in the config
     * @param perRun      makes the hook for one run from the model's tensors
     */
    record Factory(Map<String, Object> description, Function<List<TensorSpec>, EpochHook> perRun) {
        public Factory {
            if (description == null || description.isEmpty()) {
                throw new IllegalArgumentException("an epoch hook needs a description for the run's metadata");
            }
            if (perRun == null) {
                throw new IllegalArgumentException("epoch hook factory must not be null");
            }
            description = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(description));
        }

        /** A fresh hook for a model with parameters {@code tensors}. */
        public EpochHook create(List<TensorSpec> tensors) {
            EpochHook h = perRun.apply(List.copyOf(tensors));
            if (h == null) {
                throw new IllegalArgumentException("epoch hook factory returned null");
            }
            return h;
        }
    }
}
