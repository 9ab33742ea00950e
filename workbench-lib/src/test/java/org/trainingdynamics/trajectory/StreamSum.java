package org.trainingdynamics.trajectory;

import java.nio.file.Path;

/**
 * Child process of {@link StreamingTest}: opens a store with a small heap and prints the sum of every value
 * (via {@link Trajectory#blocks}) and the value count, proving the trajectory streams from the mapped files.
 */
public final class StreamSum {
    private StreamSum() {
    }

    public static void main(String[] args) {
        StoredTrajectory s = Trajectories.open(Path.of(args[0]));
        double sum = 0;
        long count = 0;
        for (ParameterBlock b : s.blocks(Integer.parseInt(args[1]))) {
            for (double v : b.data()) {
                sum += v;
            }
            count += b.data().length;
        }
        System.out.println("sum=" + sum + " count=" + count + " maxHeap=" + Runtime.getRuntime().maxMemory());
    }
}
