package org.trainingdynamics.trajectory;

import java.nio.file.Path;

/**
 * Thrown when a file that should hold trajectory data is truncated, corrupt, of an unsupported type, or
 * inconsistent with the rest of the trajectory. The message always names the file (and the tensor, when
 * one is involved) and says what is wrong.
 */
public class TrajectoryFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception whose message is {@code "<file>: <problem>"}. */
    public TrajectoryFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    /** Creates an exception whose message is {@code "<file>: tensor '<tensor>': <problem>"}. */
    public TrajectoryFormatException(Path file, String tensor, String problem) {
        super(file + ": tensor '" + tensor + "': " + problem);
    }

    /** Wraps a lower-level cause. */
    public TrajectoryFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }

    /** A message without a file (for in-memory sources). */
    public TrajectoryFormatException(String message) {
        super(message);
    }
}
