package org.trainingdynamics.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * When weights are recorded. The initial weights (update 0) are always recorded; after update s
 * (s = 1, 2, …) a checkpoint is taken when s is a multiple of {@code everySteps}, or when s ends an epoch
 * e (1-based) with (e − 1) a multiple of {@code everyEpochs} (the parity runs' {@code epoch % 10 == 0} with
 * 0-based epochs), or, in the early phase s ≤ {@code earlySteps}, when s is a multiple of
 * {@code earlyEvery}. A zero disables a rule.
 *
 * @param everySteps  record every this many updates (0: off)
 * @param everyEpochs record at the end of every this many epochs (0: off)
 * @param earlySteps  length of the dense early phase in updates (0: off)
 * @param earlyEvery  spacing of checkpoints in the early phase
 */
public record CheckpointSchedule(long everySteps, int everyEpochs, long earlySteps, long earlyEvery) {

    public CheckpointSchedule {
        if (everySteps < 0 || everyEpochs < 0 || earlySteps < 0 || earlyEvery < 0) {
            throw new IllegalArgumentException("checkpoint intervals must be >= 0");
        }
        if (earlySteps > 0 && earlyEvery < 1) {
            throw new IllegalArgumentException("an early phase needs earlyEvery >= 1");
        }
    }

    /** Every {@code k} updates. */
    public static CheckpointSchedule everySteps(long k) {
        return new CheckpointSchedule(k, 0, 0, 0);
    }

    /** At the end of every {@code k}-th epoch. */
    public static CheckpointSchedule everyEpochs(int k) {
        return new CheckpointSchedule(0, k, 0, 0);
    }

    /** This schedule plus a dense early phase: every {@code every} updates during the first {@code steps}. */
    public CheckpointSchedule withEarlyPhase(long steps, long every) {
        return new CheckpointSchedule(everySteps, everyEpochs, steps, every);
    }

    /** Whether to record after update {@code s}, which ends epoch {@code epoch} (1-based) when {@code epochEnd}. */
    public boolean at(long s, boolean epochEnd, int epoch) {
        if (s == 0) {
            return true;
        }
        if (everySteps > 0 && s % everySteps == 0) {
            return true;
        }
        if (everyEpochs > 0 && epochEnd && (epoch - 1) % everyEpochs == 0) {
            return true;
        }
        return earlySteps > 0 && s <= earlySteps && s % earlyEvery == 0;
    }

    /** Settings for the trajectory metadata. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("initial", true);
        m.put("every_steps", everySteps);
        m.put("every_epochs", everyEpochs);
        m.put("early_steps", earlySteps);
        m.put("early_every", earlyEvery);
        return m;
    }
}
