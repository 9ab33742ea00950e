package org.trainingdynamics.spectral;

/**
 * Marchenko–Pastur law for the ESD of an N × M matrix with i.i.d. entries (Q = N/M ≥ 1): after rescaling
 * λ by {@code M/Σλ} (mean 1), the bulk of a random matrix of element variance σ² lies in
 * {@code [σ²(1 − 1/√Q)², σ²(1 + 1/√Q)²]}.
 */
public final class MarchenkoPastur {

    private MarchenkoPastur() {
    }

    /**
     * A bulk fit: {@code sigma} (σ of the fitted MP law, in rescaled units), {@code bulkMax} its upper edge,
     * {@code spikes} eigenvalues beyond {@code bulkMax + √TW} with Tracy–Widom scale
     * {@code TW = Q^{−1/2} bulkMax^{2/3} M^{−2/3}}, {@code softRank = bulkMax / λ_max} (WeightWatcher's
     * {@code mp_softrank}).
     */
    public record BulkFit(double sigma, double bulkMax, int spikes, double softRank) {
    }

    /** Lower bulk edge {@code σ²(1 − 1/√Q)²}. */
    public static double lowerEdge(double sigma, double q) {
        double a = sigma * (1 - 1 / Math.sqrt(q));
        return a * a;
    }

    /** Upper bulk edge {@code σ²(1 + 1/√Q)²}. */
    public static double upperEdge(double sigma, double q) {
        double a = sigma * (1 + 1 / Math.sqrt(q));
        return a * a;
    }

    /**
     * Fits the bulk of eigenvalues {@code lam} of an N × M matrix. WeightWatcher fits σ by matching a KDE
     * of the ESD; this uses a fixed point instead (documented deviation): σ² is the mean of the rescaled
     * eigenvalues that are not spikes, spikes being those above {@code bulkMax(σ) + √TW}, iterated from
     * σ² = 1 until the spike set is stable.
     */
    public static BulkFit fitBulk(double[] lam, int n, int m) {
        int count = lam.length;
        double sum = SpectrumMetrics.sum(lam);
        double scale = count / sum;
        double lmax = SpectrumMetrics.max(lam) * scale;
        double q = (double) Math.max(n, m) / Math.min(n, m);
        double s2 = 1;
        int spikes = -1;
        double bulkMax = 0;
        for (int it = 0; it < 100; it++) {
            bulkMax = upperEdge(Math.sqrt(s2), q);
            double tw = Math.pow(bulkMax, 2.0 / 3) * Math.pow(Math.min(n, m), -2.0 / 3) / Math.sqrt(q);
            double cut = bulkMax + Math.sqrt(tw);
            int sp = 0;
            double bulkSum = 0;
            for (double l : lam) {
                double x = l * scale;
                if (x > cut) {
                    sp++;
                } else {
                    bulkSum += x;
                }
            }
            if (sp == spikes || sp == count) {
                spikes = sp;
                break;
            }
            spikes = sp;
            s2 = bulkSum / (count - sp);
        }
        return new BulkFit(Math.sqrt(s2), bulkMax, spikes, lmax == 0 ? 0 : bulkMax / lmax);
    }
}
