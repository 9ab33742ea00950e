package org.trainingdynamics.hmm;

import java.util.Locale;

/**
 * Covariance structure of the Gaussian emissions, as in hmmlearn's {@code covariance_type}: one variance per
 * state ({@link #SPHERICAL}), a diagonal per state ({@link #DIAG}), a full matrix per state ({@link #FULL}), or
 * one full matrix shared by all states ({@link #TIED}).
 */
public enum CovarianceType {
    /** One variance per state, the same for every feature. */
    SPHERICAL,
    /** A diagonal covariance matrix per state. */
    DIAG,
    /** An unrestricted covariance matrix per state. */
    FULL,
    /** One unrestricted covariance matrix shared by all states. */
    TIED;

    /** The hmmlearn name ({@code "full"}, ...). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses an hmmlearn name, case-insensitively; throws naming the allowed values otherwise. */
    public static CovarianceType parse(String s) {
        if (s != null) {
            for (CovarianceType c : values()) {
                if (c.label().equalsIgnoreCase(s.trim())) {
                    return c;
                }
            }
        }
        throw new IllegalArgumentException("unknown covariance type '" + s + "'; use full, diag, spherical or tied");
    }

    /**
     * Number of free covariance scalars, hmmlearn's {@code _get_n_fit_scalars_per_param()["c"]}.
     */
    int freeCovarianceScalars(int k, int d) {
        return switch (this) {
            case SPHERICAL -> k;
            case DIAG -> k * d;
            case FULL -> k * d * (d + 1) / 2;
            case TIED -> d * (d + 1) / 2;
        };
    }
}
