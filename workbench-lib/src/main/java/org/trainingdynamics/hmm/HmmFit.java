package org.trainingdynamics.hmm;

/**
 * Result of fitting a {@link GaussianHmm} with EM: the model of the best restart, the E-step log-likelihood of
 * each iteration of that restart (hmmlearn's {@code monitor_.history}, computed before each M-step), whether it
 * stopped by the tolerance rule, and the final training log-likelihood ({@code score}) of every restart.
 */
public record HmmFit(GaussianHmm model, double[] loglikHistory, int iterations, boolean converged,
                     double[] restartScores, int bestRestart) {

    /** Training log-likelihood of the returned model. */
    public double score() {
        return restartScores[bestRestart];
    }

    @Override
    public double[] loglikHistory() {
        return loglikHistory.clone();
    }

    @Override
    public double[] restartScores() {
        return restartScores.clone();
    }
}
