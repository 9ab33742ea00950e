package org.trainingdynamics.train;

/** Training losses, each averaged over the examples of a batch. */
public enum Loss {
    /** Softmax cross-entropy on class labels: −mean log softmax(z)[y]. */
    CROSS_ENTROPY,
    /** Hinge on ±1 targets with one output: mean max(0, 1 − y·f) (Hu et al. 2023, sparse parity). */
    HINGE,
    /** Squared error: mean over examples of ½‖f − y‖². */
    SQUARED_ERROR
}
