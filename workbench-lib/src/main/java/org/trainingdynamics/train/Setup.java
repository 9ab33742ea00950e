package org.trainingdynamics.train;

import java.nio.file.Path;
import java.util.Map;

/**
 * One training setup with its full configuration: a run is a pure function of {@link #config()} and the seed,
 * so the same seed gives a bit-identical trajectory on the same back end. Built by the named builders in
 * {@link Setups}.
 */
public interface Setup {

    /** Short name used on the command line and in metadata (e.g. {@code grokking-mlp}). */
    String name();

    /** Every hyper-parameter, in a fixed order, JSON-serialisable; stored in the trajectory metadata. */
    Map<String, Object> config();

    /**
     * Trains with {@code seed} and records into {@code out}, which must not exist or be empty. Setups that
     * produce several trajectories (e.g. OMD, OGD and bisection) write one sub-folder each.
     */
    RunResult run(long seed, Path out);
}
