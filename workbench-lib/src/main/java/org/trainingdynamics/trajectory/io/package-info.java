/**
 * Importers that convert the checkpoint files a researcher actually has into the native trajectory store
 * ({@code trajectory.json} + {@code params/<name>.npy} + {@code metrics.csv}, see DESIGN.md "Data model"):
 * a folder of per-checkpoint NumPy {@code .npz}/{@code .npy} files, {@code .safetensors} files, Hugging Face
 * Trainer output folders ({@code checkpoint-<step>/model.safetensors} + {@code trainer_state.json}), and
 * PyTorch zip checkpoints ({@code torch.save} of a state dict, read without Python by {@link
 * org.trainingdynamics.trajectory.io.TorchZipReader}); CSV/JSON metrics logs are merged by step.
 *
 * <p>Entry point: {@link org.trainingdynamics.trajectory.io.Importer}. Every parser checks each length
 * field against the file size before allocating, and reports bad input as a
 * {@link org.trainingdynamics.trajectory.TrajectoryFormatException} naming the file, the tensor and the
 * problem. An import is built in a hidden temporary folder and swapped in only when complete.
 */
package org.trainingdynamics.trajectory.io;
