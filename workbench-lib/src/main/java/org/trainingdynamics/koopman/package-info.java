/**
 * Koopman spectra of training dynamics and tests of their equivalence (topological conjugacy), after
 * Redman et al., "Identifying Equivalent Training Dynamics" (NeurIPS 2024, arXiv 2302.09160).
 *
 * <ul>
 *   <li>{@link org.trainingdynamics.koopman.Dmd}: the dynamic-mode-decomposition family (exact DMD of
 *       Schmid / Tu et al., total-least-squares DMD of Hemati et al. 2017, forward-backward DMD of
 *       Dawson et al. 2016, time-delay (Hankel) embedding of Arbabi &amp; Mezić 2017) with PyDMD's rank
 *       rules, fitted on several trajectories whose snapshot pairs never cross a trajectory boundary,
 *       and on tall-skinny weight trajectories through the method of snapshots (streamed float64 Gram
 *       matrices, or TSQR where conditioning demands it), never forming an N×N or N×(dT) object.</li>
 *   <li>{@link org.trainingdynamics.koopman.Observables}: raw weights, a pooled PCA projection, a
 *       function of the checkpoint, or metric columns.</li>
 *   <li>{@link org.trainingdynamics.koopman.SpectralDistance}: the paper's 1-Wasserstein distance between
 *       eigenvalue sets (optimal assignment; exact uniform optimal transport for unequal sizes).</li>
 *   <li>{@link org.trainingdynamics.koopman.ConjugacyTest}: a calibrated decision (within-condition null,
 *       permutation p-value on run labels) in place of the paper's degenerate shuffle control.</li>
 *   <li>{@link org.trainingdynamics.koopman.OmdOgdReplication}: the paper's OMD / OGD / bisection example (the
 *       iterates from the trainers' {@link org.trainingdynamics.train.TanFunctionMaps}).</li>
 *   <li>Replications on runs trained by {@link org.trainingdynamics.train}:
 *       {@link org.trainingdynamics.koopman.FcnWidthReplication} (narrow vs wide FCNs, §4.2),
 *       {@link org.trainingdynamics.koopman.CnnEarlyPhaseReplication} (windows of early CNN training, §4.3) and
 *       {@link org.trainingdynamics.koopman.TransformerGrokkingReplication} (grokking vs constrained, §4.4).</li>
 * </ul>
 */
package org.trainingdynamics.koopman;
