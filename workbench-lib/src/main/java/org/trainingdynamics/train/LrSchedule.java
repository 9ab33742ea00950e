package org.trainingdynamics.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Learning rate as a function of the update index s = 0, 1, 2, … (the s-th optimiser step).
 */
public interface LrSchedule {

    /** Learning rate of update {@code s}. */
    double lr(long s);

    /** Settings for the trajectory metadata. */
    Map<String, Object> describe();

    /** A constant rate. */
    static LrSchedule constant(double lr) {
        checkLr(lr);
        return new LrSchedule() {
            @Override
            public double lr(long s) {
                return lr;
            }

            @Override
            public Map<String, Object> describe() {
                Map<String, Object> m = new LinkedHashMap<>(); // ordered: metadata must be byte-stable
                m.put("name", "constant");
                m.put("lr", lr);
                return m;
            }
        };
    }

    /**
     * Linear warm-up from lr/warmup to lr over {@code warmup} updates, then cosine decay to {@code minLr} at
     * update {@code total} (the schedule of the language-model runs in Yunis et al. 2024):
     * lr(s) = lr·(s+1)/w for s &lt; w, else minLr + ½(lr − minLr)(1 + cos(π(s−w)/(total−w))).
     */
    static LrSchedule warmupCosine(double lr, long warmup, long total, double minLr) {
        checkLr(lr);
        if (warmup < 0 || total <= warmup) {
            throw new IllegalArgumentException("need 0 <= warmup < total, got warmup=" + warmup + ", total=" + total);
        }
        if (!(minLr >= 0 && minLr <= lr)) {
            throw new IllegalArgumentException("minLr must be in [0, lr], got " + minLr);
        }
        return new LrSchedule() {
            @Override
            public double lr(long s) {
                if (s < warmup) {
                    return lr * (s + 1) / warmup;
                }
                double f = Math.min(1.0, (double) (s - warmup) / (total - warmup));
                return minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * f));
            }

            @Override
            public Map<String, Object> describe() {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", "warmup_cosine");
                m.put("lr", lr);
                m.put("warmup", warmup);
                m.put("total", total);
                m.put("min_lr", minLr);
                return m;
            }
        };
    }

    private static void checkLr(double lr) {
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a positive finite number, got " + lr);
        }
    }
}
