package org.trainingdynamics.hmm;

import java.util.ArrayList;
import java.util.List;

/** Diagnoses constant and collinear features, for the error message when a covariance becomes singular. */
final class Degeneracy {
    private Degeneracy() {
    }

    /** A sentence naming constant features and pairs with |correlation| &gt; 1 - 1e-9, or "" if none. */
    static String describe(Sequences x) {
        double[][] c = ExpectationMaximization.covariance(x);
        int d = c.length;
        List<Integer> constant = new ArrayList<>();
        List<String> collinear = new ArrayList<>();
        double scale = 0;
        for (int a = 0; a < d; a++) {
            scale = Math.max(scale, c[a][a]);
        }
        for (int a = 0; a < d; a++) {
            if (c[a][a] <= 1e-14 * Math.max(scale, Double.MIN_NORMAL)) {
                constant.add(a);
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = a + 1; b < d; b++) {
                if (constant.contains(a) || constant.contains(b)) {
                    continue;
                }
                double r = c[a][b] / Math.sqrt(c[a][a] * c[b][b]);
                if (Math.abs(r) > 1 - 1e-9) {
                    collinear.add(a + "~" + b);
                }
            }
        }
        if (constant.isEmpty() && collinear.isEmpty()) {
            return "";
        }
        return "; the data have constant features " + constant + " and collinear feature pairs " + collinear
                + " (drop them, or set covarianceRidge > 0)";
    }
}
