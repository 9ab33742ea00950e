/**
 * Latent-state models of training (Hu et al. 2023, "Latent State Models of Training Dynamics",
 * arXiv 2308.09543): a Gaussian hidden Markov model faithful to hmmlearn 0.3.3 ({@link GaussianHmm},
 * {@link HmmConfig}), model selection over the number of states ({@link ModelSelection}), the per-checkpoint
 * metric extractor ({@link TrainingMetrics}), the training map ({@link TrainingMap}), feature attribution of
 * transitions ({@link TransitionAttribution}), detour states ({@link DetourAnalysis}) and the whole pipeline
 * ({@link TrainingHmmStudy}).
 *
 * <p>All algebra is on plain double arrays (K &le; 8 states, d &asymp; 14 features); EM runs in log space, so
 * sequences of any length never underflow.
 */
package org.trainingdynamics.hmm;
