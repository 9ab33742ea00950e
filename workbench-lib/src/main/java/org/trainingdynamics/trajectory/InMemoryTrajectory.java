package org.trainingdynamics.trajectory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tech.tablesaw.api.Table;

/**
 * A trajectory held on the heap in float64: synthetic data, test fixtures, reconstructions and small runs.
 * Build one checkpoint at a time with {@link #builder()}, or from an N×T matrix with
 * {@link Trajectories#fromMatrix}.
 */
public final class InMemoryTrajectory implements Trajectory {
    private final List<TensorSpec> specs;
    private final Map<String, double[][]> values;
    private final long[] steps;
    private final double[] epochs;
    private final Table metrics;
    private final Map<String, Object> metadata;

    private InMemoryTrajectory(List<TensorSpec> specs, Map<String, double[][]> values, long[] steps, double[] epochs,
                               Table metrics, Map<String, Object> metadata) {
        this.specs = List.copyOf(specs);
        this.values = values;
        this.steps = steps;
        this.epochs = epochs;
        this.metrics = metrics;
        this.metadata = Map.copyOf(metadata);
    }

    /** Starts a builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public int checkpointCount() {
        return steps.length;
    }

    @Override
    public long[] steps() {
        return steps.clone();
    }

    @Override
    public double[] epochs() {
        return epochs.clone();
    }

    @Override
    public List<TensorSpec> tensors() {
        return specs;
    }

    @Override
    public void read(String tensor, int t, long start, double[] dst, int off, int len) {
        double[][] v = values.get(tensor);
        if (v == null) {
            tensor(tensor);
        }
        if (t < 0 || t >= steps.length) {
            throw new IndexOutOfBoundsException("checkpoint " + t + " outside [0, " + steps.length + ")");
        }
        System.arraycopy(v[t], Math.toIntExact(start), dst, off, len);
    }

    @Override
    public Table metrics() {
        return metrics.copy();
    }

    @Override
    public Map<String, Object> metadata() {
        return metadata;
    }

    /** Collects checkpoints; tensor names and shapes are fixed by the first checkpoint or by {@link #tensor}. */
    public static final class Builder {
        private final List<TensorSpec> specs = new ArrayList<>();
        private final Map<String, List<double[]>> rows = new LinkedHashMap<>();
        private final List<Long> steps = new ArrayList<>();
        private final List<Double> epochs = new ArrayList<>();
        private Table metrics;
        private final Map<String, Object> metadata = new LinkedHashMap<>();

        /** Declares a tensor (order of declaration = storage order). */
        public Builder tensor(String name, long... shape) {
            if (rows.containsKey(name)) {
                throw new IllegalArgumentException("tensor '" + name + "' declared twice");
            }
            specs.add(new TensorSpec(name, shape, DType.FLOAT64));
            rows.put(name, new ArrayList<>());
            return this;
        }

        /** Adds a checkpoint holding a value array for every declared tensor. */
        public Builder checkpoint(long step, double epoch, Map<String, double[]> tensors) {
            if (specs.isEmpty()) {
                throw new IllegalStateException("declare tensors before adding checkpoints");
            }
            for (TensorSpec s : specs) {
                double[] v = tensors.get(s.name());
                if (v == null) {
                    throw new IllegalArgumentException("checkpoint " + steps.size() + " (step " + step + ") lacks tensor '"
                            + s.name() + "'");
                }
                if (v.length != s.size()) {
                    throw new IllegalArgumentException("checkpoint " + steps.size() + " (step " + step + "): tensor '"
                            + s.name() + "' has " + v.length + " values, shape " + Arrays.toString(s.shape())
                            + " needs " + s.size());
                }
                rows.get(s.name()).add(v.clone());
            }
            if (tensors.size() != specs.size()) {
                for (String k : tensors.keySet()) {
                    if (!rows.containsKey(k)) {
                        throw new IllegalArgumentException("checkpoint " + steps.size() + ": undeclared tensor '" + k + "'");
                    }
                }
            }
            steps.add(step);
            epochs.add(epoch);
            return this;
        }

        /** Sets the metrics table (must have a {@code step} column). */
        public Builder metrics(Table metrics) {
            if (!metrics.columnNames().contains("step")) {
                throw new IllegalArgumentException("metrics table needs a 'step' column; has " + metrics.columnNames());
            }
            this.metrics = metrics;
            return this;
        }

        /** Adds a metadata entry. */
        public Builder meta(String key, Object value) {
            metadata.put(key, value);
            return this;
        }

        /** Adds metadata entries. */
        public Builder meta(Map<String, ?> entries) {
            metadata.putAll(entries);
            return this;
        }

        /** Builds the immutable trajectory. */
        public InMemoryTrajectory build() {
            Map<String, double[][]> values = new LinkedHashMap<>();
            rows.forEach((k, v) -> values.put(k, v.toArray(new double[0][])));
            return new InMemoryTrajectory(specs, values, steps.stream().mapToLong(Long::longValue).toArray(),
                    epochs.stream().mapToDouble(Double::doubleValue).toArray(),
                    metrics != null ? metrics : Metrics.empty(), metadata);
        }
    }
}
