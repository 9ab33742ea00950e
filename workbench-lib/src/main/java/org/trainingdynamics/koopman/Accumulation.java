package org.trainingdynamics.koopman;

/**
 * How the small "core" of the snapshot matrix Z (N × M, Z = Q·C with orthonormal Q) is obtained; every
 * DMD quantity is computed from C, so no N × N or N × (dM) object is ever formed.
 */
public enum Accumulation {
    /**
     * Direct when N ≤ M (C = Z) or N·M small (C = R of a Householder QR of Z); otherwise a streamed float64
     * Gram matrix, replaced by TSQR when the kept singular values fall below √ε-level accuracy
     * (σ_r/σ_1 &lt; 1e-5) or the Gram cannot resolve the requested rank, where squaring the condition number
     * would cost digits.
     */
    AUTO,
    /** C = Z (N ≤ M) or R of a Householder QR of the whole Z in memory. */
    DIRECT,
    /**
     * Method of snapshots: one streamed pass accumulating G = ZᵀZ (M × M, float64, BLAS dsyrk on the upper
     * triangle, one reading-and-multiplying worker per BLAS thread) over parameter blocks; C = Λ^½Vᵀ from
     * G = VΛVᵀ. Accurate for σ ≳ √ε·σ_max only.
     */
    GRAM,
    /** Streamed TSQR: R ← qr([R; B]) over parameter blocks B; C = R. Backward stable, slower. */
    TSQR
}
