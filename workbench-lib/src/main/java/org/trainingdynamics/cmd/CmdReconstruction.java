package org.trainingdynamics.cmd;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.trainingdynamics.trajectory.Metrics;
import org.trainingdynamics.trajectory.TensorSpec;
import org.trainingdynamics.trajectory.Trajectory;
import tech.tablesaw.api.Table;

/** The lazy CMD reconstruction {@code ŵ_i(t) = a_i · r_{m_i}(t) + b_i} of {@link CmdResult#reconstruct()}. */
final class CmdReconstruction implements Trajectory {
    private final CmdResult source;
    private final List<TensorSpec> tensors;
    private final ParameterLayout layout;
    private final long[] steps;
    private final double[][] refs;
    private final int[] mode;
    private final double[] a;
    private final double[] b;
    private final Map<String, Long> offsets = new LinkedHashMap<>();

    CmdReconstruction(CmdResult source, List<TensorSpec> tensors, ParameterLayout layout, long[] steps,
                      double[][] refs, int[] mode, double[] a, double[] b) {
        this.source = source;
        this.tensors = tensors;
        this.layout = layout;
        this.steps = steps;
        this.refs = refs;
        this.mode = mode;
        this.a = a;
        this.b = b;
        for (int l = 0; l < layout.tensorCount(); l++) {
            offsets.put(layout.names().get(l), layout.offset(l));
        }
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
        double[] e = new double[steps.length];
        java.util.Arrays.fill(e, Double.NaN);
        return e;
    }

    @Override
    public List<TensorSpec> tensors() {
        return tensors;
    }

    @Override
    public void read(String tensor, int t, long start, double[] dst, int off, int len) {
        Long base = offsets.get(tensor);
        if (base == null) {
            tensor(tensor);
        }
        long size = tensor(tensor).size();
        if (t < 0 || t >= steps.length) {
            throw new IndexOutOfBoundsException("checkpoint " + t + " outside [0, " + steps.length + ")");
        }
        if (start < 0 || start + len > size) {
            throw new IndexOutOfBoundsException("tensor '" + tensor + "': elements [" + start + ", " + (start + len)
                    + ") outside its " + size);
        }
        int g = (int) (base + start);
        for (int i = 0; i < len; i++) {
            dst[off + i] = a[g + i] * refs[mode[g + i]][t] + b[g + i];
        }
    }

    @Override
    public Table metrics() {
        return Metrics.empty();
    }

    @Override
    public Map<String, Object> metadata() {
        return Map.of("source", "CMD reconstruction", "modes", refs.length,
                "relative_error", source.relativeError());
    }

    @Override
    public String toString() {
        return "CmdReconstruction[N=" + layout.parameterCount() + ", T=" + steps.length + ", M=" + refs.length + "]";
    }
}
