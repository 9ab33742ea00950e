/**
 * Small reproducible trainers that record training trajectories with the
 * {@link org.trainingdynamics.trajectory.TrajectoryRecorder}: online mirror / gradient descent and bisection on
 * Σ tan(x_i) (Redman et al. 2024), the grokking MLP on modular addition (spectral notes §6), sparse parity
 * (Hu et al. 2023), narrow/wide FCNs and a LeNet-5-like CNN on Fashion-MNIST (Redman et al. 2024), the
 * one-layer modular-addition transformer, and diagonal linear networks on sparse regression (over the
 * {@code dln} package's simulation; dmft.md). Every run is a pure function of
 * its configuration and seed ({@link org.trainingdynamics.train.Rng}); {@link org.trainingdynamics.train.Setups}
 * names the setups and their builders, {@link org.trainingdynamics.train.MultiSeedRunner} runs resumable
 * seed sweeps, and {@link org.trainingdynamics.train.BundledData} defines the trajectories bundled in
 * {@code data/}. Networks are trained with hand-derived backpropagation on ND4J GEMMs
 * ({@link org.trainingdynamics.train.Mlp}) and PyTorch-equivalent optimisers
 * ({@link org.trainingdynamics.train.OptimizerConfig}). The epoch-based setups take an
 * {@link org.trainingdynamics.train.EpochHook} that may replace the weights after every epoch (embedded CMD,
 * docs/cmd.md). See docs/training.md.
 */
package org.trainingdynamics.train;
