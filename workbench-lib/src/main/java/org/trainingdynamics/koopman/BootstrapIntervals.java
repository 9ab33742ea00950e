package org.trainingdynamics.koopman;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

/**
 * Percentile bootstrap intervals on each eigenvalue of a reference spectrum (see {@link EigenvalueBootstrap}).
 *
 * @param reference  the spectrum fitted on all trajectories
 * @param level      coverage level (e.g. 0.95)
 * @param reLo       lower bounds of Re λ_j
 * @param reHi       upper bounds of Re λ_j
 * @param imLo       lower bounds of Im λ_j
 * @param imHi       upper bounds of Im λ_j
 * @param modLo      lower bounds of |λ_j|
 * @param modHi      upper bounds of |λ_j|
 * @param replicates replicates used (those whose rank equalled the reference rank)
 * @param skipped    replicates dropped because their rank differed
 */
public record BootstrapIntervals(KoopmanSpectrum reference, double level, double[] reLo, double[] reHi, double[] imLo,
                                 double[] imHi, double[] modLo, double[] modHi, int replicates, int skipped) {

    /** One row per eigenvalue: estimate and interval bounds. */
    public Table toTable() {
        return Table.create("eigenvalue-bootstrap", DoubleColumn.create("re", reference.re()),
                DoubleColumn.create("re_lo", reLo), DoubleColumn.create("re_hi", reHi),
                DoubleColumn.create("im", reference.im()), DoubleColumn.create("im_lo", imLo),
                DoubleColumn.create("im_hi", imHi), DoubleColumn.create("modulus", reference.modulus()),
                DoubleColumn.create("mod_lo", modLo), DoubleColumn.create("mod_hi", modHi));
    }
}
