package org.trainingdynamics.study;

import java.util.Locale;

/**
 * Scale profile of a study (DESIGN.md, "Notebooks and reproduction"): {@code smoke} runs every notebook
 * in seconds (CI), {@code paper} runs the real study (minutes on a laptop CPU). Chosen by the
 * {@code WORKBENCH_PROFILE} environment variable or the {@code workbench.profile} system property;
 * the default is {@code paper}.
 */
public enum Profile {
    /** Reduced sizes: seconds per notebook. */
    SMOKE,
    /** The published study's sizes, as far as a CPU allows. */
    PAPER;

    /** The profile in force for this process. */
    public static Profile current() {
        String v = System.getProperty("workbench.profile", System.getenv("WORKBENCH_PROFILE"));
        if (v == null || v.isBlank()) {
            return PAPER;
        }
        return parse(v);
    }

    /** Parses {@code smoke} or {@code paper} (case-insensitive). */
    public static Profile parse(String v) {
        try {
            return valueOf(v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown profile '" + v + "' (expected smoke or paper)");
        }
    }

    /** Picks the value for this profile. */
    public <T> T pick(T smoke, T paper) {
        return this == SMOKE ? smoke : paper;
    }

    /** Picks an int for this profile. */
    public int pick(int smoke, int paper) {
        return this == SMOKE ? smoke : paper;
    }

    /** Lower-case name as used on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
