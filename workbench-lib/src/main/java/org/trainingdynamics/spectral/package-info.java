/**
 * Spectral dynamics of weights (Yunis et al. 2024, arXiv 2408.11804) and WeightWatcher's heavy-tailed
 * empirical spectral density metrics (Martin &amp; Mahoney; WeightWatcher v0.7.5.5): one SVD per weight
 * matrix per checkpoint feeds singular values, effective/count/stable rank, Gini, norms, singular vector
 * agreement with the final checkpoint, alignment of consecutive layers, low-rank pruning probes and the
 * ESD power-law fit. Entry point: {@link org.trainingdynamics.spectral.SpectralDynamics}; the paper's grokking
 * claims in the research note's CPU-scale form: {@link org.trainingdynamics.spectral.GrokkingCriteria}.
 */
package org.trainingdynamics.spectral;
