package org.trainingdynamics.hmm;

/**
 * Result of fitting a {@link GaussianHmm} with EM: the model of the best restart, the E-step log-likelihood of
 * each iteration of that restart (hmmlearn's {@code monitor_.history}, computed before each M-step), whether it
 * stopped by the tolerance rule, and the final training log-likelihood ({@code score}) of every restart.
 * {@code objectiveHistory} is the quantity EM provably never decreases: each iteration's log-likelihood plus the
 * log prior of the parameters it was computed with, for the prior whose MAP step is hmmlearn's M-step (the
 * Dirichlet and normal-inverse-Wishart terms of Rabiner-style MAP EM; see {@code ExpectationMaximization#logPrior}).
 * With hmmlearn's default {@code covars_prior = 1e-2} the log-likelihood alone can fall slightly where a state
 * holds few frames, while this objective rises.
 */
public record HmmFit(GaussianHmm model, double[] loglikHistory, double[] objectiveHistory, int iterations,
                     boolean converged, double[] restartScores, int bestRestart) {

    /** Training log-likelihood of the returned model. */
    public double score() {
        return restartScores[bestRestart];
    }

    @Override
    public double[] loglikHistory() {
        return loglikHistory.clone();
    }

    @Override
    public double[] objectiveHistory() {
        return objectiveHistory.clone();
    }

    @Override
    public double[] restartScores() {
        return restartScores.clone();
    }
}
