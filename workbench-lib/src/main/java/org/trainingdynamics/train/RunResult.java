package org.trainingdynamics.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What one run wrote: its folder, the trajectory folders inside it (the folder itself for single-trajectory
 * setups) and the final values of the logged metrics.
 *
 * @param dir          run folder
 * @param trajectories trajectory folders written
 * @param finalMetrics last logged value of each metric
 */
public record RunResult(Path dir, List<Path> trajectories, Map<String, Double> finalMetrics) {
    public RunResult {
        trajectories = List.copyOf(trajectories);
        finalMetrics = Map.copyOf(finalMetrics);
    }
}
