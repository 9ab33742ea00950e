package org.trainingdynamics.train;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trainable tensor with its gradient buffer. Shapes follow PyTorch conventions (a linear layer's weight
 * is [out, in]) so recorded trajectories read like {@code state_dict}s.
 *
 * @param name  tensor name in the trajectory (e.g. {@code fc1.weight})
 * @param value current value (updated in place by the optimiser)
 * @param grad  gradient of the loss, same shape (written by the model)
 */
public record Parameter(String name, INDArray value, INDArray grad) {
}
