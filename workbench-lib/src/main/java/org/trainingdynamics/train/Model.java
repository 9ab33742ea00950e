package org.trainingdynamics.train;

import java.util.List;
import org.trainingdynamics.train.data.Dataset;

/**
 * A trainable model: its parameters (recorded as the trajectory's tensors), the gradient of the mean batch
 * loss, and evaluation.
 */
public interface Model {

    /** Parameters in recording order. */
    List<Parameter> parameters();

    /** Forward and backward pass on {@code batch}: writes every parameter's gradient, returns loss and accuracy. */
    BatchStats gradients(Dataset batch);

    /** Forward pass only, over the whole data set (in chunks). */
    BatchStats evaluate(Dataset data);

    /**
     * Mean loss and accuracy over a batch.
     *
     * @param loss     mean loss
     * @param accuracy fraction correct (argmax for classes, sign for ±1 targets; NaN for regression)
     * @param count    number of examples
     */
    record BatchStats(double loss, double accuracy, int count) {
    }
}
