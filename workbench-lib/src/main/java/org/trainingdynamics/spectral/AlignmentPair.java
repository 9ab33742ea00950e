package org.trainingdynamics.spectral;

/**
 * A pair of matrices whose singular vectors are compared at each checkpoint (Yunis et al. 2024,
 * {@code inter_layer_pairs}): {@code A_ij = |⟨y_i, x_j⟩|} with {@code x_j} the output-side vectors of
 * {@code first} (U, or V for an embedding) and {@code y_i} the vectors of {@code second} on the side named by
 * {@code secondSide} (its input side V, restricted to the centre tap for a conv kernel fed by a conv; or U for
 * the per-head Q–K comparison {@code |U_{Q,h}ᵀ U_{K,h}|}).
 *
 * @param first      matrix name of the earlier layer (or Q head)
 * @param second     matrix name of the later layer (or K head)
 * @param secondSide which singular vectors of {@code second} are compared
 */
public record AlignmentPair(String first, String second, Side secondSide) {

    /** Which singular vectors of a matrix. */
    public enum Side {
        /** Left singular vectors (output space). */
        U,
        /** Right singular vectors (input space). */
        V
    }

    /** The consecutive-layer pair {@code first → second} (second's input vectors). */
    public static AlignmentPair consecutive(String first, String second) {
        return new AlignmentPair(first, second, Side.V);
    }

    /** Display name {@code first->second}. */
    public String name() {
        return first + "->" + second;
    }
}
