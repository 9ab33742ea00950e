package org.trainingdynamics.cmd;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.trainingdynamics.trajectory.TensorSpec;
import org.trainingdynamics.trajectory.Trajectory;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The outcome of post-hoc CMD on a trajectory of N parameters and T checkpoints: M reference parameters
 * and their profiles (the mode profiles), the mode, {@code a} and {@code b} of every parameter
 * ({@code ŵ_i(t) = a_i · r_{m_i}(t) + b_i}), how modes spread over tensors, and the reconstruction error.
 *
 * <p>The relative reconstruction error is {@code ‖Ŵ − W‖_F / ‖W − mean_t W‖_F} over all parameters and
 * checkpoints (the golden {@code summary.json} definition: error relative to each parameter's deviation
 * from its own time mean). The per-checkpoint error divides {@code ‖Ŵ(t) − W(t)‖} by the RMS over time of
 * {@code ‖W(t) − mean_t W‖}, so the overall error is the root mean square of the per-checkpoint ones.
 */
public final class CmdResult {
    private final Cmd config;
    private final List<TensorSpec> tensors;
    private final ParameterLayout layout;
    private final long[] steps;
    private final long[] sample;
    private final int[] sampleMode;
    private final double[][] sampleProfiles;
    private final long[] references;
    private final double[][] referenceProfiles;
    private final int[] mode;
    private final double[] a;
    private final double[] b;
    private final int[] constants;
    private final long[][] layerModeCounts;
    private final double relativeError;
    private final double[] checkpointError;
    private final Map<String, Double> phaseSeconds;

    CmdResult(Cmd config, List<TensorSpec> tensors, long[] steps, long[] sample, int[] sampleMode,
              double[][] sampleProfiles, long[] references, double[][] referenceProfiles,
              ModeAssignment.Result pass, Map<String, Double> phaseSeconds) {
        this.config = config;
        this.tensors = List.copyOf(tensors);
        long[] off = new long[tensors.size() + 1];
        for (int i = 0; i < tensors.size(); i++) {
            off[i + 1] = off[i] + tensors.get(i).size();
        }
        this.layout = new ParameterLayout(tensors.stream().map(TensorSpec::name).toList(), off);
        this.steps = steps.clone();
        this.sample = sample;
        this.sampleMode = sampleMode;
        this.sampleProfiles = sampleProfiles;
        this.references = references;
        this.referenceProfiles = referenceProfiles;
        this.mode = pass.mode();
        this.a = pass.a();
        this.b = pass.b();
        this.constants = pass.constants();
        this.layerModeCounts = pass.layerModeCounts();
        int t = steps.length;
        double num = 0;
        double den = 0;
        for (int i = 0; i < t; i++) {
            num += pass.errorNumerator()[i];
            den += pass.errorDenominator()[i];
        }
        this.relativeError = den > 0 ? Math.sqrt(num / den) : 0.0;
        this.checkpointError = new double[t];
        double rmsDen = den / t;
        for (int i = 0; i < t; i++) {
            checkpointError[i] = rmsDen > 0 ? Math.sqrt(pass.errorNumerator()[i] / rmsDen) : 0.0;
        }
        this.phaseSeconds = Collections.unmodifiableMap(new java.util.LinkedHashMap<>(phaseSeconds));
    }

    /** The configuration that produced this result. */
    public Cmd config() {
        return config;
    }

    /** The trajectory's tensors (the per-layer breakdown uses them). */
    public List<TensorSpec> tensors() {
        return tensors;
    }

    /** Number of parameters N. */
    public int parameterCount() {
        return mode.length;
    }

    /** Number of checkpoints T the decomposition was fitted on. */
    public int checkpointCount() {
        return steps.length;
    }

    /** Optimiser steps of the checkpoints. */
    public long[] steps() {
        return steps.clone();
    }

    /** Number of modes M. */
    public int modeCount() {
        return references.length;
    }

    /** Global index of each mode's reference parameter (mode 0 = largest cluster in the sample). */
    public long[] references() {
        return references.clone();
    }

    /** The M mode profiles: the references' values at every checkpoint, {@code [M][T]}. */
    public double[][] modeProfiles() {
        double[][] out = new double[referenceProfiles.length][];
        for (int k = 0; k < out.length; k++) {
            out[k] = referenceProfiles[k].clone();
        }
        return out;
    }

    /** Mode of every parameter (a copy, length N). */
    public int[] modes() {
        return mode.clone();
    }

    /** Mode of parameter {@code i}. */
    public int mode(int i) {
        return mode[i];
    }

    /** Scale {@code a_i} of every parameter (a copy). */
    public double[] a() {
        return a.clone();
    }

    /** Offset {@code b_i} of every parameter (a copy). */
    public double[] b() {
        return b.clone();
    }

    /** The CMD value of parameter {@code i} at checkpoint {@code t}: {@code a_i · r_{m_i}(t) + b_i}. */
    public double value(int i, int t) {
        return a[i] * referenceProfiles[mode[i]][t] + b[i];
    }

    /** Global indices of zero-variance (constant) parameters: mode 0, {@code a = 0}, {@code b =} the constant. */
    public int[] constantParameters() {
        return constants.clone();
    }

    /** Sampled global indices used for the correlation clustering. */
    public long[] sample() {
        return sample.clone();
    }

    /** Mode of each sampled parameter in the clustering (before assignment). */
    public int[] sampleModes() {
        return sampleMode.clone();
    }

    double[][] sampleProfiles() {
        return sampleProfiles;
    }

    /** Number of parameters assigned to each mode. */
    public long[] modeSizes() {
        long[] s = new long[references.length];
        for (long[] row : layerModeCounts) {
            for (int k = 0; k < s.length; k++) {
                s[k] += row[k];
            }
        }
        return s;
    }

    /** Parameters of tensor {@code l} in mode {@code k}. */
    public long layerModeCount(int l, int k) {
        return layerModeCounts[l][k];
    }

    /** Overall relative reconstruction error {@code ‖Ŵ − W‖_F / ‖W − mean_t W‖_F}. */
    public double relativeError() {
        return relativeError;
    }

    /** Per-checkpoint relative error (see the class comment for the normalisation). */
    public double[] checkpointError() {
        return checkpointError.clone();
    }

    /** Wall time of each phase in seconds: sample correlation, profile distances, clustering, assignment, fit. */
    public Map<String, Double> phaseSeconds() {
        return phaseSeconds;
    }

    /**
     * The CMD reconstruction as a lazy trajectory with the same tensors and steps: every read computes
     * {@code a · r(t) + b}; nothing of size N×T is materialised.
     */
    public Trajectory reconstruct() {
        return new CmdReconstruction(this, tensors, layout, steps, referenceProfiles, mode, a, b);
    }

    /** One row per mode: mode, reference (global index, tensor), size, share of N, within-sample size. */
    public Table modeTable() {
        int m = references.length;
        long[] sizes = modeSizes();
        int[] sampleSize = new int[m];
        for (int s : sampleMode) {
            sampleSize[s]++;
        }
        IntColumn modeCol = IntColumn.create("mode");
        LongColumn refCol = LongColumn.create("reference");
        StringColumn tensorCol = StringColumn.create("reference_tensor");
        LongColumn sizeCol = LongColumn.create("parameters");
        DoubleColumn shareCol = DoubleColumn.create("share");
        IntColumn sampCol = IntColumn.create("sampled");
        IntColumn layersCol = IntColumn.create("tensors_spanned");
        for (int k = 0; k < m; k++) {
            modeCol.append(k);
            refCol.append(references[k]);
            tensorCol.append(layout.names().get(layout.tensorOf(references[k])));
            sizeCol.append(sizes[k]);
            shareCol.append((double) sizes[k] / mode.length);
            sampCol.append(sampleSize[k]);
            int spanned = 0;
            for (long[] row : layerModeCounts) {
                spanned += row[k] > 0 ? 1 : 0;
            }
            layersCol.append(spanned);
        }
        return Table.create("CMD modes", modeCol, refCol, tensorCol, sizeCol, shareCol, sampCol, layersCol);
    }

    /** Mode membership per tensor: one row per (tensor, mode) with the count and the tensor's share. */
    public Table layerTable() {
        StringColumn tensorCol = StringColumn.create("tensor");
        IntColumn modeCol = IntColumn.create("mode");
        LongColumn countCol = LongColumn.create("parameters");
        DoubleColumn shareCol = DoubleColumn.create("share_of_tensor");
        for (int l = 0; l < layerModeCounts.length; l++) {
            long size = layout.size(l);
            for (int k = 0; k < references.length; k++) {
                tensorCol.append(layout.names().get(l));
                modeCol.append(k);
                countCol.append(layerModeCounts[l][k]);
                shareCol.append(size > 0 ? (double) layerModeCounts[l][k] / size : 0.0);
            }
        }
        return Table.create("CMD modes per tensor", tensorCol, modeCol, countCol, shareCol);
    }

    /** Relative reconstruction error per checkpoint: columns {@code checkpoint}, {@code step}, {@code relative_error}. */
    public Table errorTable() {
        IntColumn c = IntColumn.create("checkpoint");
        LongColumn s = LongColumn.create("step");
        DoubleColumn e = DoubleColumn.create("relative_error");
        for (int t = 0; t < steps.length; t++) {
            c.append(t);
            s.append(steps[t]);
            e.append(checkpointError[t]);
        }
        return Table.create("CMD reconstruction error", c, s, e);
    }

    @Override
    public String toString() {
        return "CmdResult[N=" + mode.length + ", T=" + steps.length + ", M=" + references.length + ", refs="
                + Arrays.toString(references) + ", relativeError=" + relativeError + ", constants=" + constants.length + "]";
    }
}
