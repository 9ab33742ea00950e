/**
 * The trajectory data model every analysis reads (DESIGN.md, "Data model"): a training run as named parameter
 * tensors at {@code T} checkpoints ({@link org.trainingdynamics.trajectory.Trajectory}), with steps, epochs, a
 * Tablesaw metrics table and run metadata; block-wise streaming of the N×T parameter matrix
 * ({@link org.trainingdynamics.trajectory.ParameterBlock}); tensor and checkpoint views.
 *
 * <p>The native store ({@code trajectory.json} + {@code params/<name>.npy} shaped {@code [T, ...]} +
 * {@code metrics.csv}) is read memory-mapped by {@link org.trainingdynamics.trajectory.StoredTrajectory} and
 * written crash-safely by {@link org.trainingdynamics.trajectory.TrajectoryRecorder} (the manifest is the
 * commit record). {@link org.trainingdynamics.trajectory.Npy} is the workbench's own {@code .npy}/{@code .npz}
 * codec. Converting foreign checkpoint formats lives in {@code org.trainingdynamics.trajectory.io}. See
 * docs/trajectories.md.
 */
package org.trainingdynamics.trajectory;
