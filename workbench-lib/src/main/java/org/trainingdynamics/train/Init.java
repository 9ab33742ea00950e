package org.trainingdynamics.train;

/**
 * Weight initialisations, drawn from the run's {@link Rng} (never ND4J's global generator).
 */
public enum Init {
    /** PyTorch's {@code nn.Linear} default (Kaiming-uniform with a = √5): U(−1/√fan_in, 1/√fan_in). */
    TORCH_LINEAR,
    /** Glorot/Xavier uniform: U(−√(6/(fan_in+fan_out)), +√(6/(fan_in+fan_out))). */
    XAVIER_UNIFORM,
    /** PyTorch's {@code nn.Embedding} default: N(0, 1). */
    NORMAL;

    /** Draws {@code n} values for a [fanOut, fanIn] matrix, scaled by {@code scale}. */
    float[] draw(Rng rng, int n, int fanIn, int fanOut, double scale) {
        return switch (this) {
            case TORCH_LINEAR -> {
                double b = scale / Math.sqrt(fanIn);
                yield rng.uniformFloats(n, -b, b);
            }
            case XAVIER_UNIFORM -> {
                double b = scale * Math.sqrt(6.0 / (fanIn + fanOut));
                yield rng.uniformFloats(n, -b, b);
            }
            case NORMAL -> rng.normalFloats(n, scale);
        };
    }
}
