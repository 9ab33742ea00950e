package org.trainingdynamics.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.trainingdynamics.train.data.Dataset;

/**
 * A ReLU multilayer perceptron with hand-derived backpropagation on ND4J GEMMs (float32): per layer
 * z = a·Wᵀ + b, a = ReLU(z), and backwards ∂W = ∂zᵀ·a_prev, ∂b = Σ_rows ∂z, ∂a_prev = ∂z·W,
 * ∂z_prev = ∂a_prev ⊙ 1[z_prev &gt; 0]. The first layer is either dense (weight [h₁, in]) or an embedding
 * (weight [vocab, h₁], as {@code nn.Embedding}) whose rows for each example's tokens are summed,
 * z₁ = Σ_j E[token_j] — the "emb(a) + emb(b)" input of the grokking MLP (Yunis et al. 2024, §6 of the
 * workbench's spectral notes). Hand-derived gradients were chosen over SameDiff after measuring (see
 * docs/BENCHMARKS.md, Trainers). Gradients are checked against finite differences in the tests.
 */
public final class Mlp implements Model {
    private static final int EVAL_CHUNK = 4096;
    private final int[] widths;
    private final boolean embedding;
    private final boolean bias;
    private final Loss loss;
    private final INDArray[] w;
    private final INDArray[] b;
    private final List<Parameter> params = new ArrayList<>();

    private Mlp(int[] widths, boolean embedding, boolean bias, Loss loss, String[] names, Init[] inits,
                double[] scales, Rng rng) {
        if (widths.length < 2) {
            throw new IllegalArgumentException("an MLP needs at least input and output widths, got " + Arrays.toString(widths));
        }
        for (int v : widths) {
            if (v < 1) {
                throw new IllegalArgumentException("layer widths must be >= 1, got " + Arrays.toString(widths));
            }
        }
        if (names.length != widths.length - 1) {
            throw new IllegalArgumentException("need one name per layer");
        }
        if (loss == Loss.HINGE && widths[widths.length - 1] != 1) {
            throw new IllegalArgumentException("hinge loss needs one output, got " + widths[widths.length - 1]);
        }
        this.widths = widths.clone();
        this.embedding = embedding;
        this.bias = bias;
        this.loss = loss;
        int layers = widths.length - 1;
        w = new INDArray[layers];
        b = new INDArray[layers];
        for (int l = 0; l < layers; l++) {
            int in = widths[l];
            int out = widths[l + 1];
            long[] shape = l == 0 && embedding ? new long[]{in, out} : new long[]{out, in};
            float[] init = inits[l].draw(rng, in * out, in, out, scales[l]);
            w[l] = Nd4j.create(init, shape, 'c');
            params.add(new Parameter(names[l] + ".weight", w[l], Nd4j.zeros(DataType.FLOAT, shape)));
            if (bias) {
                b[l] = Nd4j.zeros(DataType.FLOAT, 1, out);
                params.add(new Parameter(names[l] + ".bias", b[l], Nd4j.zeros(DataType.FLOAT, 1, out)));
            }
        }
    }

    /**
     * A dense-input MLP.
     *
     * @param widths [in, hidden…, out]
     * @param bias   whether every layer has a bias (initialised to 0)
     * @param init   weight initialisation of every layer
     * @param scale  multiplier of every layer's initial weights
     * @param loss   training loss
     * @param names  tensor-name prefix of each layer (e.g. {@code fc1}, {@code fc2})
     * @param rng    initialisation stream
     */
    public static Mlp dense(int[] widths, boolean bias, Init init, double scale, Loss loss, String[] names, Rng rng) {
        Init[] inits = new Init[widths.length - 1];
        double[] scales = new double[widths.length - 1];
        Arrays.fill(inits, init);
        Arrays.fill(scales, scale);
        return new Mlp(widths, false, bias, loss, names, inits, scales, rng);
    }

    /**
     * An MLP whose first layer is an embedding table [vocab, widths[1]] summed over each example's tokens.
     *
     * @param widths   [vocab, hidden…, out]
     * @param bias     whether the layers after the embedding have biases
     * @param embInit  initialisation of the embedding
     * @param init     initialisation of the other layers
     * @param loss     training loss
     * @param names    tensor-name prefix of each layer (the first names the embedding)
     * @param rng      initialisation stream
     */
    public static Mlp embedding(int[] widths, boolean bias, Init embInit, Init init, double scale, Loss loss,
                                String[] names, Rng rng) {
        Init[] inits = new Init[widths.length - 1];
        double[] scales = new double[widths.length - 1];
        Arrays.fill(inits, init);
        Arrays.fill(scales, scale);
        inits[0] = embInit;
        return new Mlp(widths, true, bias, loss, names, inits, scales, rng);
    }

    @Override
    public List<Parameter> parameters() {
        return params;
    }

    /** Number of layers (weight matrices). */
    public int layers() {
        return w.length;
    }

    private void check(Dataset d) {
        if (embedding != (d.tokens() != null)) {
            throw new IllegalArgumentException(d.name() + ": this MLP takes " + (embedding ? "tokens" : "dense features"));
        }
        if (!embedding && d.features().columns() != widths[0]) {
            throw new IllegalArgumentException(d.name() + ": inputs have " + d.features().columns()
                    + " features, the MLP expects " + widths[0]);
        }
        int out = widths[widths.length - 1];
        if (loss == Loss.CROSS_ENTROPY && (d.classes() == null || d.numClasses() != out)) {
            throw new IllegalArgumentException(d.name() + ": cross-entropy needs class labels with " + out + " classes");
        }
        if (loss != Loss.CROSS_ENTROPY && d.targetWidth() != out) {
            throw new IllegalArgumentException(d.name() + ": " + loss + " needs " + out + " real targets per example");
        }
    }

    /**
     * Forward pass; returns the activations a₀ (the inputs, null for tokens), a₁ = ReLU(z₁), …, and as the
     * last entry the outputs z_L. ReLU is applied in place (z is not needed again: 1[z &gt; 0] = 1[a &gt; 0]).
     */
    private INDArray[] forward(Dataset d) {
        int layers = w.length;
        INDArray[] a = new INDArray[layers + 1];
        a[0] = d.features();
        for (int l = 0; l < layers; l++) {
            INDArray z;
            if (l == 0 && embedding) {
                z = gatherSum(d.tokens());
            } else {
                z = Nd4j.gemm(a[l], w[l], false, true);
            }
            if (bias && !(l == 0 && embedding)) {
                z.addiRowVector(b[l]);
            }
            a[l + 1] = l + 1 < layers ? Transforms.relu(z, false) : z;
        }
        return a;
    }

    private INDArray gatherSum(int[][] tokens) {
        int n = tokens.length;
        int k = tokens[0].length;
        INDArray sum = null;
        for (int j = 0; j < k; j++) {
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = tokens[i][j];
            }
            INDArray rows = Nd4j.pullRows(w[0], 1, idx);
            sum = sum == null ? rows : sum.addi(rows);
        }
        return sum;
    }

    @Override
    public BatchStats gradients(Dataset batch) {
        check(batch);
        int layers = w.length;
        INDArray[] a = forward(batch);
        float[] out = a[layers].data().asFloat();
        int n = batch.size();
        int c = widths[widths.length - 1];
        float[] dz = new float[n * c];
        BatchStats stats = lossAndGrad(out, batch, n, c, dz);
        INDArray d = Nd4j.create(dz, new long[]{n, c}, 'c');
        for (int l = layers - 1; l >= 0; l--) {
            Parameter pw = params.get(bias ? 2 * l : l);
            if (l == 0 && embedding) {
                scatterGrad(d, batch.tokens(), pw.grad());
            } else {
                Nd4j.gemm(d, a[l], pw.grad(), true, false, 1.0, 0.0);
                if (bias) {
                    params.get(2 * l + 1).grad().assign(d.sum(true, 0));
                }
            }
            if (l > 0) {
                INDArray da = Nd4j.gemm(d, w[l], false, false);
                d = da.muli(Transforms.step(a[l], false)); // a[l] is not needed after this
            }
        }
        return stats;
    }

    private void scatterGrad(INDArray d, int[][] tokens, INDArray grad) {
        int h = widths[1];
        float[] dd = d.data().asFloat();
        float[] g = new float[widths[0] * h];
        for (int i = 0; i < tokens.length; i++) {
            int off = i * h;
            for (int tok : tokens[i]) {
                int row = tok * h;
                for (int j = 0; j < h; j++) {
                    g[row + j] += dd[off + j];
                }
            }
        }
        grad.assign(Nd4j.create(g, new long[]{widths[0], h}, 'c'));
    }

    /** Mean loss and accuracy of outputs {@code out} [n, c]; writes ∂loss/∂out into {@code dz} when non-null. */
    private BatchStats lossAndGrad(float[] out, Dataset d, int n, int c, float[] dz) {
        double total = 0;
        int correct = 0;
        switch (loss) {
            case CROSS_ENTROPY -> {
                return CrossEntropy.lossAndGrad(out, d.classes(), n, c, dz);
            }
            case HINGE -> {
                float[] y = d.targets();
                for (int i = 0; i < n; i++) {
                    double margin = 1 - y[i] * out[i];
                    total += Math.max(0, margin);
                    correct += Math.signum(out[i]) == y[i] ? 1 : 0;
                    if (dz != null) {
                        dz[i] = margin > 0 ? -y[i] / (float) n : 0f;
                    }
                }
            }
            case SQUARED_ERROR -> {
                float[] y = d.targets();
                for (int i = 0; i < n * c; i++) {
                    double r = out[i] - y[i];
                    total += 0.5 * r * r;
                    if (dz != null) {
                        dz[i] = (float) (r / n);
                    }
                }
            }
            default -> throw new IllegalStateException();
        }
        double acc = loss == Loss.SQUARED_ERROR ? Double.NaN : (double) correct / n;
        if (!Double.isFinite(total)) {
            throw new IllegalStateException("training diverged: the " + loss + " loss is " + total
                    + " (lower the learning rate)");
        }
        return new BatchStats(total / n, acc, n);
    }

    @Override
    public BatchStats evaluate(Dataset data) {
        check(data);
        int n = data.size();
        int c = widths[widths.length - 1];
        double loss = 0;
        double acc = 0;
        for (int s = 0; s < n; s += EVAL_CHUNK) {
            int m = Math.min(EVAL_CHUNK, n - s);
            Dataset chunk = s == 0 && m == n ? data : data.subset(range(s, m));
            INDArray[] a = forward(chunk);
            BatchStats st = lossAndGrad(a[w.length].data().asFloat(), chunk, m, c, null);
            loss += st.loss() * m;
            acc += st.accuracy() * m;
        }
        return new BatchStats(loss / n, acc / n, n);
    }

    private static int[] range(int start, int len) {
        int[] r = new int[len];
        for (int i = 0; i < len; i++) {
            r[i] = start + i;
        }
        return r;
    }
}
