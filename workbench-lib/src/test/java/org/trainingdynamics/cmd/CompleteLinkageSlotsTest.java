package org.trainingdynamics.cmd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The slot-allocating, lazily-flushing, compacting NN-chain ({@link CompleteLinkage#fitStrided}) against the
 * straightforward scipy NN-chain on a square matrix updated in place (the previous implementation, verified
 * against scipy by {@link CompleteLinkageTest}): identical merges, heights and sizes on random and heavily tied
 * distances, at sizes that exercise many flushes and several compactions.
 */
class CompleteLinkageSlotsTest {

    @Test
    void sameMergesAsInPlaceNnChainOnRandomAndTiedDistances() {
        Random rng = new Random(5);
        for (int n : new int[]{2, 3, 5, 17, 40, 97, 300, 700}) {
            for (int kind = 0; kind < 3; kind++) {
                double[] d = new double[n * n];
                double[][] pts = new double[n][2];
                for (double[] p : pts) {
                    p[0] = rng.nextInt(kind == 2 ? 4 : 1000);
                    p[1] = rng.nextInt(kind == 2 ? 4 : 1000);
                }
                for (int i = 0; i < n; i++) {
                    for (int j = i + 1; j < n; j++) {
                        double v = switch (kind) {
                            case 0 -> rng.nextDouble(); // distinct (almost surely)
                            case 1 -> rng.nextInt(5); // few values: ties everywhere, zero distances too
                            default -> Math.abs(pts[i][0] - pts[j][0]) + Math.abs(pts[i][1] - pts[j][1]); // cityblock grid
                        };
                        d[i * n + j] = v;
                        d[j * n + i] = v;
                    }
                }
                Dendrogram ref = referenceLinkage(d.clone(), n);
                Dendrogram got = CompleteLinkage.fitSquare(d.clone(), n);
                assertThat(got.left()).as("n %d kind %d left", n, kind).containsExactly(ref.left());
                assertThat(got.right()).as("n %d kind %d right", n, kind).containsExactly(ref.right());
                assertThat(got.height()).as("n %d kind %d height", n, kind).containsExactly(ref.height());
                assertThat(got.size()).as("n %d kind %d size", n, kind).containsExactly(ref.size());
            }
        }
    }

    @Test
    void stridedInputMustHaveTheWorkStride() {
        int n = 10;
        int w = CompleteLinkage.workStride(n);
        assertThat(w).isEqualTo(26);
        assertThat(CompleteLinkage.workStride(10_000)).isEqualTo(11_250);
        assertThatThrownBy(() -> CompleteLinkage.fitStrided(new double[n * n], n, n))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stride 26");
        double[] work = new double[w * w];
        work[3 * w + 4] = Double.NaN;
        assertThatThrownBy(() -> CompleteLinkage.fitStrided(work, n, w))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-finite");
    }

    /** scipy's nn_chain on a square matrix, the merged cluster in the larger slot, columns written at each merge. */
    static Dendrogram referenceLinkage(double[] d, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("need at least one point to cluster");
        }
                if (d.length != n * n) {
            throw new IllegalArgumentException("distance matrix has " + d.length + " entries, expected " + n + "x" + n);
        }
        for (double v : d) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("distance matrix holds a non-finite value (" + v + ")");
            }
        }
        if (n == 1) {
            return new Dendrogram(1, new int[0], new int[0], new double[0], new int[0]);
        }
        for (int i = 0; i < n; i++) {
            d[i * n + i] = Double.POSITIVE_INFINITY;
        }
        int[] chain = new int[n];
        int chainLength = 0;
        int[] active = IntStream.range(0, n).toArray();
        int nActive = n;
        int[] zx = new int[n - 1];
        int[] zy = new int[n - 1];
        double[] zd = new double[n - 1];
        {
            for (int k = 0; k < n - 1; k++) {
                if (chainLength == 0) {
                    chainLength = 1;
                    chain[0] = active[0];
                }
                int x;
                int y;
                double currentMin;
                while (true) {
                    x = chain[chainLength - 1];
                    int row = x * n;
                    if (chainLength > 1) {
                        y = chain[chainLength - 2];
                        currentMin = d[row + y];
                    } else {
                        y = -1;
                        currentMin = Double.POSITIVE_INFINITY;
                    }
                    for (int j = 0; j < nActive; j++) {
                        int i = active[j];
                        double v = d[row + i]; // the diagonal is +inf, so i == x never wins
                        if (v < currentMin) {
                            currentMin = v;
                            y = i;
                        }
                    }
                    if (chainLength > 1 && y == chain[chainLength - 2]) {
                        break;
                    }
                    chain[chainLength++] = y;
                }
                chainLength -= 2;
                if (x > y) {
                    int t = x;
                    x = y;
                    y = t;
                }
                zx[k] = x;
                zy[k] = y;
                zd[k] = currentMin;
                int rx = x * n;
                int ry = y * n;
                // drop x from the (ascending) active list, keeping scipy's scan order
                int pos = Arrays.binarySearch(active, 0, nActive, x);
                System.arraycopy(active, pos + 1, active, pos, nActive - pos - 1);
                nActive--;
                for (int j = 0; j < nActive; j++) {
                    int i = active[j];
                    double v = Math.max(d[rx + i], d[ry + i]); // i == y keeps the +inf diagonal
                    d[ry + i] = v;
                    d[i * n + y] = v;
                }
            }
        }
        return CompleteLinkage.dendrogram(n, zx, zy, zd);
    }
}
