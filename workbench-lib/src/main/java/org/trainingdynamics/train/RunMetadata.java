package org.trainingdynamics.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.trainingdynamics.trajectory.TrajectoryRecorder;

/**
 * The metadata every trainer writes: setup name, seed, full configuration and producer, plus a
 * {@code complete} flag set only when the run finished (the multi-seed runner uses it to resume). Nothing
 * time- or machine-dependent goes in, so regenerated trajectories are byte-identical.
 */
final class RunMetadata {
    static final String COMPLETE = "complete";

    private RunMetadata() {
    }

    static Map<String, Object> of(Setup setup, long seed, String part) {
        return of(setup.name(), setup.config(), seed, part);
    }

    static Map<String, Object> of(String setupName, Map<String, Object> config, long seed, String part) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", "trainer");
        m.put("producer", "org.trainingdynamics.train");
        m.put("setup", setupName);
        if (part != null) {
            m.put("part", part);
        }
        m.put("seed", seed);
        m.put("config", new LinkedHashMap<>(config));
        m.put(COMPLETE, false);
        return m;
    }

    static void markComplete(TrajectoryRecorder recorder) {
        recorder.putMetadata(COMPLETE, true);
    }
}
