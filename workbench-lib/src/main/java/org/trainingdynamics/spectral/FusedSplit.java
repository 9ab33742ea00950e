package org.trainingdynamics.spectral;

/**
 * How to split fused projections: tensors matching {@code glob} (e.g. {@code *.in_proj_weight}, shape
 * {@code 3d × d}) are cut into {@code parts} equal row blocks named {@code q, k, v} (for 3 parts; {@code p0, p1, …}
 * otherwise), and each part, when {@code heads > 1}, into {@code heads} row blocks {@code q.h0, q.h1, …}
 * (the head split of {@code (h, d_head, d)} that QKᵀ contracts). The fused tensor itself is still analysed as
 * one matrix, as in the paper.
 */
public record FusedSplit(String glob, int parts, int heads) {

    public FusedSplit {
        if (parts < 1 || heads < 1) {
            throw new IllegalArgumentException("fused split of '" + glob + "' needs parts >= 1 and heads >= 1, got "
                    + parts + " and " + heads);
        }
    }

    /** Q/K/V split of an attention in-projection with the given number of heads. */
    public static FusedSplit qkv(String glob, int heads) {
        return new FusedSplit(glob, 3, heads);
    }

    String partName(int i) {
        return parts == 3 ? new String[]{"q", "k", "v"}[i] : "p" + i;
    }
}
