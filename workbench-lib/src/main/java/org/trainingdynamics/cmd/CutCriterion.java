package org.trainingdynamics.cmd;

/**
 * How the complete-linkage dendrogram is cut into modes, as in the official CMD code's
 * {@code cluster_corr} (scipy {@code fcluster} semantics).
 */
public enum CutCriterion {
    /** At most {@code M} clusters: the lowest merge height whose cut leaves no more than M (the ICLR setting). */
    MAXCLUST,
    /** Cut at height {@code max pairwise distance / t} (official default {@code t = 2}; a data-driven M). */
    DISTANCE
}
