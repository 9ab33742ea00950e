package org.trainingdynamics.trajectory;

/** What recorders and importers do with NaN or infinite parameter values. */
public enum NonFinitePolicy {
    /** Fail with an error naming the file/tensor/checkpoint (the default). */
    REJECT,
    /** Store the values as they are and count them per tensor for the summary. */
    ALLOW_AND_REPORT
}
