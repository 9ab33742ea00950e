package org.trainingdynamics.train;

/**
 * Argument checks shared by the setup builders: each returns the value or throws an
 * {@link IllegalArgumentException} naming the option, the rule and the value given.
 */
final class Checks {
    private Checks() {
    }

    /** {@code v} if {@code v >= min}. */
    static int atLeast(String name, int v, int min) {
        if (v < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", got " + v);
        }
        return v;
    }

    /** {@code v} if it is finite and {@code >= 0}. */
    static double nonNegative(String name, double v) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0, got " + v);
        }
        return v;
    }

    /** {@code v} if it is finite and {@code > 0}. */
    static double positive(String name, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be a finite number > 0, got " + v);
        }
        return v;
    }
}
