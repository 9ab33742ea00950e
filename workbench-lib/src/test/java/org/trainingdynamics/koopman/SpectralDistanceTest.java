package org.trainingdynamics.koopman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Spectral distances: closed forms, assignment vs transport, unequal sizes vs replication and SciPy's LP. */
class SpectralDistanceTest {
    private static KoopmanSpectrum random(Random r, int n) {
        double[] re = new double[n];
        double[] im = new double[n];
        for (int i = 0; i < n; i++) {
            re[i] = r.nextGaussian();
            im[i] = r.nextGaussian();
        }
        return new KoopmanSpectrum(re, im);
    }

    private static KoopmanSpectrum replicate(KoopmanSpectrum s, int times) {
        double[] re = new double[s.size() * times];
        double[] im = new double[re.length];
        for (int i = 0; i < re.length; i++) {
            re[i] = s.re()[i / times];
            im[i] = s.im()[i / times];
        }
        return new KoopmanSpectrum(re, im);
    }

    @Test
    void closedForms() {
        KoopmanSpectrum a = new KoopmanSpectrum(new double[]{0.9, 0.5}, new double[]{0, 0});
        KoopmanSpectrum b = new KoopmanSpectrum(new double[]{0.5, 0.8}, new double[]{0, 0});
        // optimal: 0.9↔0.8, 0.5↔0.5 → mean 0.05
        assertThat(SpectralDistance.wasserstein(a, b)).isCloseTo(0.05, Offset.offset(1e-15));
        assertThat(SpectralDistance.wasserstein(a, a)).isEqualTo(0.0);
        // one point vs two: W1 = mean distance to the single point
        KoopmanSpectrum one = new KoopmanSpectrum(new double[]{0}, new double[]{0});
        KoopmanSpectrum two = new KoopmanSpectrum(new double[]{0, 0}, new double[]{1, -3});
        assertThat(SpectralDistance.wasserstein(one, two)).isCloseTo(2.0, Offset.offset(1e-15));
        // log ground metric: |log 0.99 - log 0.999|
        KoopmanSpectrum p = new KoopmanSpectrum(new double[]{0.99}, new double[]{0});
        KoopmanSpectrum q = new KoopmanSpectrum(new double[]{0.999}, new double[]{0});
        assertThat(SpectralDistance.wasserstein(p, q, SpectralDistance.Ground.LOG))
                .isCloseTo(Math.log(0.999) - Math.log(0.99), Offset.offset(1e-15));
        assertThatThrownBy(() -> SpectralDistance.wasserstein(one, p, SpectralDistance.Ground.LOG))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("logarithm");
    }

    @Test
    void transportEqualsAssignmentAndReplication() {
        Random r = new Random(5);
        for (int trial = 0; trial < 20; trial++) {
            KoopmanSpectrum a = random(r, 7);
            KoopmanSpectrum b = random(r, 7);
            double[][] c = SpectralDistance.cost(a, b, SpectralDistance.Ground.EUCLIDEAN);
            assertThat(Transport.uniform(c)).isCloseTo(SpectralDistance.wasserstein(a, b), Offset.offset(1e-12));
        }
        for (int trial = 0; trial < 10; trial++) {
            KoopmanSpectrum a = random(r, 4);
            KoopmanSpectrum b = random(r, 6);
            // lcm(4, 6) = 12: replicate a 3×, b 2×, then assignment is exact OT
            double viaReplication = SpectralDistance.wasserstein(replicate(a, 3), replicate(b, 2));
            assertThat(SpectralDistance.wasserstein(a, b)).isCloseTo(viaReplication, Offset.offset(1e-12));
            assertThat(SpectralDistance.wasserstein(b, a)).isCloseTo(viaReplication, Offset.offset(1e-12));
        }
    }

    @Test
    void unequalSizesMatchScipyLinearProgram() {
        Random r = new Random(9);
        KoopmanSpectrum a = random(r, 10);
        KoopmanSpectrum b = random(r, 7);
        StringBuilder sa = new StringBuilder();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < a.size(); i++) {
            sa.append(String.format("[%.17g,%.17g],", a.re()[i], a.im()[i]));
        }
        for (int i = 0; i < b.size(); i++) {
            sb.append(String.format("[%.17g,%.17g],", b.re()[i], b.im()[i]));
        }
        String out = PythonCheck.run("""
                import numpy as np
                from scipy.optimize import linprog
                from scipy.spatial.distance import cdist
                A=np.array([%s]); B=np.array([%s]); n,m=len(A),len(B)
                C=cdist(A,B)
                Aeq=[]; beq=[]
                for i in range(n):
                    row=np.zeros(n*m); row[i*m:(i+1)*m]=1; Aeq.append(row); beq.append(1/n)
                for j in range(m):
                    row=np.zeros(n*m); row[j::m]=1; Aeq.append(row); beq.append(1/m)
                res=linprog(C.ravel(),A_eq=np.array(Aeq),b_eq=beq,bounds=(0,None),method='highs')
                print(repr(float(res.fun)))
                """.formatted(sa, sb));
        assertThat(SpectralDistance.wasserstein(a, b)).isCloseTo(Double.parseDouble(out.trim()), Offset.offset(1e-9));
    }
}
