package org.trainingdynamics.train;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.trainingdynamics.train.data.Dataset;

/**
 * A LeNet-5-like CNN for 28×28 grey images (LeCun et al. 1998, with ReLU and max-pooling): conv 6@5×5
 * (padding 2) → ReLU → max-pool 2 → conv 16@5×5 → ReLU → max-pool 2 → fc 400→120 → ReLU → fc 120→84 → ReLU
 * → fc 84→10, cross-entropy. Hand-derived backpropagation: convolutions as im2col + ND4J GEMM
 * (z = cols·Wᵀ, ∂W = ∂zᵀ·cols, ∂cols = ∂z·W then col2im), pooling through the recorded argmax. Parameter
 * names and shapes are PyTorch's ({@code conv1.weight} [6, 1, 5, 5], {@code fc1.weight} [120, 400], …); the
 * flattened conv output is in PyTorch's (channel, row, column) order. PyTorch default initialisation
 * U(±1/√fan_in) for weights and biases. Gradients are checked against finite differences in the tests.
 */
public final class LeNet implements Model {
    private static final int[] FC = {400, 120, 84, 10};
    private final List<Parameter> params = new ArrayList<>();
    private final INDArray w1;
    private final INDArray b1;
    private final INDArray w2;
    private final INDArray b2;
    private final INDArray[] fw = new INDArray[3];
    private final INDArray[] fb = new INDArray[3];

    /** A LeNet with PyTorch's default initialisation from {@code rng}. */
    public LeNet(Rng rng) {
        w1 = add("conv1.weight", new long[]{6, 1, 5, 5}, 25, rng);
        b1 = add("conv1.bias", new long[]{6}, 25, rng);
        w2 = add("conv2.weight", new long[]{16, 6, 5, 5}, 150, rng);
        b2 = add("conv2.bias", new long[]{16}, 150, rng);
        for (int l = 0; l < 3; l++) {
            fw[l] = add("fc" + (l + 1) + ".weight", new long[]{FC[l + 1], FC[l]}, FC[l], rng);
            fb[l] = add("fc" + (l + 1) + ".bias", new long[]{FC[l + 1]}, FC[l], rng);
        }
    }

    private INDArray add(String name, long[] shape, int fanIn, Rng rng) {
        int n = 1;
        for (long s : shape) {
            n *= (int) s;
        }
        double bound = 1 / Math.sqrt(fanIn);
        INDArray v = Nd4j.create(rng.uniformFloats(n, -bound, bound), shape, 'c');
        params.add(new Parameter(name, v, Nd4j.zeros(DataType.FLOAT, shape)));
        return v;
    }

    @Override
    public List<Parameter> parameters() {
        return params;
    }

    /** im2col for a square image batch in NHWC layout: rows (b, y, x), columns (c, ky, kx). */
    private static float[] im2col(float[] in, int batch, int size, int ch, int pad, int outSize) {
        int cols = ch * 25;
        float[] out = new float[batch * outSize * outSize * cols];
        for (int b = 0; b < batch; b++) {
            for (int y = 0; y < outSize; y++) {
                for (int x = 0; x < outSize; x++) {
                    int row = ((b * outSize + y) * outSize + x) * cols;
                    for (int c = 0; c < ch; c++) {
                        for (int ky = 0; ky < 5; ky++) {
                            int iy = y + ky - pad;
                            if (iy < 0 || iy >= size) {
                                continue;
                            }
                            for (int kx = 0; kx < 5; kx++) {
                                int ix = x + kx - pad;
                                if (ix >= 0 && ix < size) {
                                    out[row + c * 25 + ky * 5 + kx] = in[((b * size + iy) * size + ix) * ch + c];
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Adjoint of {@link #im2col}: accumulates column gradients back onto the NHWC input. */
    private static float[] col2im(float[] cols, int batch, int size, int ch, int pad, int outSize) {
        float[] out = new float[batch * size * size * ch];
        int nc = ch * 25;
        for (int b = 0; b < batch; b++) {
            for (int y = 0; y < outSize; y++) {
                for (int x = 0; x < outSize; x++) {
                    int row = ((b * outSize + y) * outSize + x) * nc;
                    for (int c = 0; c < ch; c++) {
                        for (int ky = 0; ky < 5; ky++) {
                            int iy = y + ky - pad;
                            if (iy < 0 || iy >= size) {
                                continue;
                            }
                            for (int kx = 0; kx < 5; kx++) {
                                int ix = x + kx - pad;
                                if (ix >= 0 && ix < size) {
                                    out[((b * size + iy) * size + ix) * ch + c] += cols[row + c * 25 + ky * 5 + kx];
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /** ReLU then 2×2 max-pool of NHWC [B, s, s, ch]; writes the argmax (flat input index) per output. */
    private static float[] reluPool(float[] z, int batch, int s, int ch, int[] arg) {
        int h = s / 2;
        float[] out = new float[batch * h * h * ch];
        for (int b = 0; b < batch; b++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < h; x++) {
                    for (int c = 0; c < ch; c++) {
                        int o = ((b * h + y) * h + x) * ch + c;
                        float best = 0f; // ReLU: max(0, max of window)
                        int bi = -1;
                        for (int dy = 0; dy < 2; dy++) {
                            for (int dx = 0; dx < 2; dx++) {
                                int i = ((b * s + 2 * y + dy) * s + 2 * x + dx) * ch + c;
                                if (z[i] > best) {
                                    best = z[i];
                                    bi = i;
                                }
                            }
                        }
                        out[o] = best;
                        arg[o] = bi;
                    }
                }
            }
        }
        return out;
    }

    private static float[] gemm(float[] a, int m, int k, float[] w, int n, boolean transB) {
        INDArray am = Nd4j.create(a, new long[]{m, k}, 'c');
        INDArray wm = Nd4j.create(w, transB ? new long[]{n, k} : new long[]{k, n}, 'c');
        return Nd4j.gemm(am, wm, false, transB).data().asFloat();
    }

    private record Forward(float[] cols1, int[] arg1, float[] cols2, int[] arg2, float[][] acts, float[] out) {
    }

    private Forward forward(Dataset d) {
        int b = d.size();
        float[] x = d.features().dup('c').data().asFloat();
        float[] cols1 = im2col(x, b, 28, 1, 2, 28);
        float[] z1 = gemm(cols1, b * 784, 25, w1.data().asFloat(), 6, true);
        addBias(z1, b1.data().asFloat());
        int[] arg1 = new int[b * 196 * 6];
        float[] p1 = reluPool(z1, b, 28, 6, arg1);
        float[] cols2 = im2col(p1, b, 14, 6, 0, 10);
        float[] z2 = gemm(cols2, b * 100, 150, w2.data().asFloat(), 16, true);
        addBias(z2, b2.data().asFloat());
        int[] arg2 = new int[b * 25 * 16];
        float[] p2 = reluPool(z2, b, 10, 16, arg2);
        float[] a = new float[b * 400];
        for (int i = 0; i < b; i++) {
            for (int pos = 0; pos < 25; pos++) {
                for (int c = 0; c < 16; c++) {
                    a[i * 400 + c * 25 + pos] = p2[(i * 25 + pos) * 16 + c];
                }
            }
        }
        float[][] acts = new float[4][];
        acts[0] = a;
        for (int l = 0; l < 3; l++) {
            float[] z = gemm(acts[l], b, FC[l], fw[l].data().asFloat(), FC[l + 1], true);
            addBias(z, fb[l].data().asFloat());
            if (l < 2) {
                for (int i = 0; i < z.length; i++) {
                    z[i] = Math.max(0f, z[i]);
                }
            }
            acts[l + 1] = z;
        }
        return new Forward(cols1, arg1, cols2, arg2, acts, acts[3]);
    }

    private static void addBias(float[] z, float[] bias) {
        int n = bias.length;
        for (int i = 0; i < z.length; i++) {
            z[i] += bias[i % n];
        }
    }

    /** ∂W = ∂zᵀ·a into the parameter's gradient; ∂b = column sums. */
    private static void weightGrads(float[] dz, int m, int n, float[] a, int k, Parameter w, Parameter bias) {
        INDArray d = Nd4j.create(dz, new long[]{m, n}, 'c');
        Nd4j.gemm(d, Nd4j.create(a, new long[]{m, k}, 'c'), w.grad().reshape(n, k), true, false, 1.0, 0.0);
        float[] db = new float[n];
        for (int i = 0; i < dz.length; i++) {
            db[i % n] += dz[i];
        }
        bias.grad().assign(Nd4j.create(db, bias.grad().shape(), 'c'));
    }

    @Override
    public BatchStats gradients(Dataset batch) {
        int b = batch.size();
        check(batch);
        Forward f = forward(batch);
        float[] dz = new float[b * 10];
        BatchStats st = CrossEntropy.lossAndGrad(f.out(), batch.classes(), b, 10, dz);
        // fully connected part
        for (int l = 2; l >= 0; l--) {
            weightGrads(dz, b, FC[l + 1], f.acts()[l], FC[l], params.get(4 + 2 * l), params.get(5 + 2 * l));
            float[] da = gemm(dz, b, FC[l + 1], fw[l].data().asFloat(), FC[l], false);
            if (l > 0) {
                float[] a = f.acts()[l];
                for (int i = 0; i < da.length; i++) {
                    da[i] = a[i] > 0 ? da[i] : 0f;
                }
            }
            dz = da;
        }
        // dz is now ∂L/∂(flattened pool-2 output) [b, 400] in (c, y, x) order → scatter through pool 2
        float[] dz2 = new float[b * 100 * 16];
        for (int i = 0; i < b; i++) {
            for (int pos = 0; pos < 25; pos++) {
                for (int c = 0; c < 16; c++) {
                    int src = f.arg2()[(i * 25 + pos) * 16 + c];
                    if (src >= 0) {
                        dz2[src] += dz[i * 400 + c * 25 + pos];
                    }
                }
            }
        }
        weightGrads(dz2, b * 100, 16, f.cols2(), 150, params.get(2), params.get(3));
        float[] dcols2 = gemm(dz2, b * 100, 16, w2.data().asFloat(), 150, false);
        float[] dp1 = col2im(dcols2, b, 14, 6, 0, 10);
        float[] dz1 = new float[b * 784 * 6];
        for (int o = 0; o < dp1.length; o++) {
            int src = f.arg1()[o];
            if (src >= 0) {
                dz1[src] += dp1[o];
            }
        }
        weightGrads(dz1, b * 784, 6, f.cols1(), 25, params.get(0), params.get(1));
        return st;
    }

    private static void check(Dataset d) {
        if (d.features() == null || d.features().columns() != 784 || d.classes() == null || d.numClasses() != 10) {
            throw new IllegalArgumentException(d.name() + ": LeNet needs 28x28 images (784 features) with 10 classes");
        }
    }

    @Override
    public BatchStats evaluate(Dataset data) {
        check(data);
        int n = data.size();
        double loss = 0;
        double acc = 0;
        for (int s = 0; s < n; s += 1000) {
            int m = Math.min(1000, n - s);
            int[] idx = new int[m];
            for (int i = 0; i < m; i++) {
                idx[i] = s + i;
            }
            Dataset chunk = m == n ? data : data.subset(idx);
            BatchStats st = CrossEntropy.lossAndGrad(forward(chunk).out(), chunk.classes(), m, 10, null);
            loss += st.loss() * m;
            acc += st.accuracy() * m;
        }
        return new BatchStats(loss / n, acc / n, n);
    }
}
