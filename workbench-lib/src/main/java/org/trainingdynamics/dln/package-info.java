/**
 * Diagonal linear networks (DLNs) trained by gradient flow on sparse regression in high dimension, and the
 * dynamical mean-field theory (DMFT) that reduces their dynamics to a single-coordinate effective process.
 *
 * <p>Reference: S. Nishiyama and M. Imaizumi, <i>Precise Dynamics of Diagonal Linear Networks: A Unifying
 * Analysis by Dynamical Mean-Field Theory</i>, arXiv:2510.01930 (2025). The equations implemented here are the
 * reconstruction of {@code research/dmft.md} (standard bipartite cavity DMFT for gradient flow on Gaussian data,
 * Mignacco et al. 2020, Gerbelot et al. 2022); the paper's own normalisation could not be checked.
 *
 * <p>Model (dmft.md §1): design X ∈ ℝ^{n×d} with iid N(0, 1/d) entries and n = αd, sparse teacher β* ~ P*,
 * labels y = Xβ* + ε with ε ~ N(0, σ²), loss L = ½‖y − Xβ‖², and a network β(u, v) of one of the
 * {@link org.trainingdynamics.dln.Parameterization}s. Every parameterisation reduces exactly to a mirror flow
 * dA/dt = a = Xᵀ(y − Xβ), β = β(A) (dmft.md §1 "exact reduction").
 *
 * <p>Entry points: {@link org.trainingdynamics.dln.DlnSimulation} (finite-d gradient flow, recorded as a
 * {@link org.trainingdynamics.trajectory.Trajectory}), {@link org.trainingdynamics.dln.MinNormInterpolators}
 * (min-ℓ2 and min-ℓ1 interpolators), {@link org.trainingdynamics.dln.IncrementalLearning} and
 * {@link org.trainingdynamics.dln.ImplicitBias} (phenomena), {@link org.trainingdynamics.dln.DmftSolver} (the
 * effective process), {@link org.trainingdynamics.dln.DmftComparison} (DMFT vs seed-averaged simulations at several d), {@link org.trainingdynamics.dln.LinearRegimeTheory} (closed-form kernel limit) and
 * {@link org.trainingdynamics.dln.ConvergenceRate} (speed/generalisation trade-off).
 */
package org.trainingdynamics.dln;
