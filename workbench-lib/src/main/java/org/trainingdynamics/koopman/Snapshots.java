package org.trainingdynamics.koopman;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.trainingdynamics.trajectory.ParameterBlock;
import org.trainingdynamics.trajectory.TensorSpec;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.Trajectory;

/**
 * The observables of one or more trajectories, ready for DMD: run r contributes an N × T_r snapshot matrix
 * (rows = observables, columns = checkpoints), every run with the same N observables in the same order.
 * DMD forms snapshot pairs only within a run (Redman et al. §1.2 step 3; PyDMD issue #582).
 *
 * <p>Each run is held as a {@link Trajectory} and read in parameter blocks, so a run may be larger than
 * memory; {@link Observables} builds these from weights, PCA projections, functions or metric columns.
 */
public final class Snapshots {
    private final List<Trajectory> runs;
    private final long rows;

    private Snapshots(List<Trajectory> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs given");
        }
        List<TensorSpec> first = runs.get(0).tensors();
        for (int r = 0; r < runs.size(); r++) {
            Trajectory t = runs.get(r);
            if (t.checkpointCount() < 2) {
                throw new IllegalArgumentException("run " + r + " has " + t.checkpointCount()
                        + " checkpoint(s); DMD needs at least 2");
            }
            List<TensorSpec> s = t.tensors();
            boolean same = s.size() == first.size();
            for (int i = 0; same && i < s.size(); i++) {
                same = s.get(i).name().equals(first.get(i).name()) && s.get(i).size() == first.get(i).size();
            }
            if (!same) {
                throw new IllegalArgumentException("run " + r + " has tensors " + t.tensorNames()
                        + " but run 0 has " + runs.get(0).tensorNames() + "; all runs need the same observables");
            }
        }
        this.runs = List.copyOf(runs);
        this.rows = runs.get(0).parameterCount();
        if (rows == 0) {
            throw new IllegalArgumentException("runs have no observables (0 rows)");
        }
    }

    /** Every parameter of each run as the observables (all tensors, in storage order). */
    public static Snapshots of(Trajectory... runs) {
        return new Snapshots(List.of(runs));
    }

    /** Every parameter of each run as the observables. */
    public static Snapshots of(List<? extends Trajectory> runs) {
        return new Snapshots(new ArrayList<>(runs));
    }

    /**
     * Explicit snapshot matrices, one per run, each {@code [N][T_r]} (columns = snapshots, as in PyDMD).
     * Values must be finite.
     */
    public static Snapshots ofMatrices(double[][]... runs) {
        List<Trajectory> list = new ArrayList<>();
        for (int r = 0; r < runs.length; r++) {
            double[][] m = runs[r];
            if (m == null || m.length == 0 || m[0].length == 0) {
                throw new IllegalArgumentException("snapshot matrix of run " + r + " is empty");
            }
            for (int i = 0; i < m.length; i++) {
                if (m[i].length != m[0].length) {
                    throw new IllegalArgumentException("snapshot matrix of run " + r + " is ragged: row " + i
                            + " has " + m[i].length + " columns, row 0 has " + m[0].length);
                }
                for (int j = 0; j < m[i].length; j++) {
                    if (!Double.isFinite(m[i][j])) {
                        throw new IllegalArgumentException("snapshot matrix of run " + r + " has a non-finite value "
                                + m[i][j] + " at [" + i + ", " + j + "]");
                    }
                }
            }
            list.add(Trajectories.fromMatrix("observables", m));
        }
        return new Snapshots(list);
    }

    /** The runs. */
    public List<Trajectory> runs() {
        return runs;
    }

    /** Number of runs. */
    public int runCount() {
        return runs.size();
    }

    /** Number of observables N. */
    public long rows() {
        return rows;
    }

    /** Checkpoints per run. */
    public int[] lengths() {
        int[] l = new int[runs.size()];
        for (int r = 0; r < l.length; r++) {
            l[r] = runs.get(r).checkpointCount();
        }
        return l;
    }

    /** Total number of snapshot columns M = Σ T_r. */
    public int columns() {
        int m = 0;
        for (int l : lengths()) {
            m += l;
        }
        return m;
    }

    /** These snapshots restricted to a subset of runs (indices may repeat, as in a bootstrap). */
    public Snapshots subset(int[] runIndices) {
        List<Trajectory> l = new ArrayList<>();
        for (int i : runIndices) {
            l.add(runs.get(i));
        }
        return new Snapshots(l);
    }

    /**
     * Iterates aligned parameter blocks of all runs: each element is a row-major {@code rows × M} array whose
     * columns are run 0's checkpoints, then run 1's, and so on. Non-finite values are rejected, naming the
     * run, tensor and checkpoint.
     */
    Iterable<double[]> blocks(int maxRows) {
        int m = columns();
        int[] lens = lengths();
        return () -> {
            List<Iterator<ParameterBlock>> its = new ArrayList<>();
            for (Trajectory t : runs) {
                its.add(t.blocks(maxRows).iterator());
            }
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return its.get(0).hasNext();
                }

                @Override
                public double[] next() {
                    if (its.size() == 1) {
                        // one run: the block already has the right layout; check it in place, no copy
                        ParameterBlock b = its.get(0).next();
                        double[] d = b.data();
                        for (int i = 0; i < d.length; i++) {
                            if (!Double.isFinite(d[i])) {
                                throw new IllegalArgumentException("run 0, tensor '" + b.tensor() + "' element "
                                        + (b.tensorOffset() + i / m) + " at checkpoint " + (i % m) + " is " + d[i]
                                        + "; DMD needs finite observables");
                            }
                        }
                        return d;
                    }
                    double[] out = null;
                    int rowsHere = -1;
                    int col0 = 0;
                    for (int r = 0; r < its.size(); r++) {
                        ParameterBlock b = its.get(r).next();
                        if (out == null) {
                            rowsHere = b.rows();
                            out = new double[rowsHere * m];
                        } else if (b.rows() != rowsHere) {
                            throw new IllegalStateException("runs are not block-aligned (run " + r + ")");
                        }
                        double[] d = b.data();
                        int t = lens[r];
                        for (int i = 0; i < rowsHere; i++) {
                            for (int j = 0; j < t; j++) {
                                double v = d[i * t + j];
                                if (!Double.isFinite(v)) {
                                    throw new IllegalArgumentException("run " + r + ", tensor '" + b.tensor()
                                            + "' element " + (b.tensorOffset() + i) + " at checkpoint " + j
                                            + " is " + v + "; DMD needs finite observables");
                                }
                                out[i * m + col0 + j] = v;
                            }
                        }
                        col0 += t;
                    }
                    return out;
                }
            };
        };
    }
}
