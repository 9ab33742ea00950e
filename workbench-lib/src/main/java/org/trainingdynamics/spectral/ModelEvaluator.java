package org.trainingdynamics.spectral;

import java.util.Map;

/**
 * Evaluates a model given its parameters (tensor name → flattened row-major values), e.g. a trainer's
 * train/validation loss and error. Supplied by the caller to {@link LowRankPruning}.
 */
@FunctionalInterface
public interface ModelEvaluator {

    /** Metric name → value (e.g. {@code val_error}) of the model with these parameters. */
    Map<String, Double> evaluate(Map<String, double[]> parameters);
}
