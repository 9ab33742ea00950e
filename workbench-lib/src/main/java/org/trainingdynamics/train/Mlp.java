package org.trainingdynamics.train;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
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
    /** Work arrays reused across steps (activations, logits, gradients), keyed by role; see {@link #work}. */
    private final Map<String, INDArray> work = new HashMap<>();

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
     * The returned arrays are this model's work arrays, valid until the next forward pass.
     */
    private INDArray[] forward(Dataset d) {
        int layers = w.length;
        int n = d.size();
        INDArray[] a = new INDArray[layers + 1];
        a[0] = d.features();
        for (int l = 0; l < layers; l++) {
            boolean relu = l + 1 < layers;
            INDArray z;
            if (l == 0 && embedding) {
                z = gatherSum(d.tokens(), relu);
            } else {
                z = Nd4j.gemm(a[l], w[l], work("z" + l, n, widths[l + 1]), false, true, 1.0, 0.0);
                if (bias) {
                    z.addiRowVector(b[l]);
                }
                if (relu) {
                    Transforms.relu(z, false);
                }
            }
            a[l + 1] = z;
        }
        return a;
    }

    /**
     * A work array [rows, cols] for {@code role}, reused while the shape stays the same (full-batch training
     * calls this with the same shapes every step, so no off-heap allocation happens per step).
     */
    private INDArray work(String role, int rows, int cols) {
        INDArray a = work.get(role);
        if (a == null || a.rows() != rows || a.columns() != cols) {
            a = Nd4j.zeros(DataType.FLOAT, rows, cols);
            work.put(role, a);
        }
        return a;
    }

    /**
     * z₁ = Σ_j E[token_j], row by row in one Java pass over a row buffer (the same float additions in the same
     * order as summing gathered rows), written into a work array; then ND4J's ReLU in place when {@code relu}
     * (branch-free and vectorised; a per-element branch on the sign in Java costs a misprediction per element).
     */
    private INDArray gatherSum(int[][] tokens, boolean relu) {
        int n = tokens.length;
        int h = widths[1];
        float[] e = w[0].data().asFloat();
        INDArray z = work("embed", n, h);
        FloatBuffer zb = z.data().asNioFloat();
        float[] row = new float[h];
        for (int i = 0; i < n; i++) {
            int[] t = tokens[i];
            System.arraycopy(e, t[0] * h, row, 0, h);
            for (int j = 1; j < t.length; j++) {
                int off = t[j] * h;
                for (int k = 0; k < h; k++) {
                    row[k] += e[off + k];
                }
            }
            zb.put(i * h, row);
        }
        return relu ? Transforms.relu(z, false) : z;
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
        INDArray d = work("dz", n, c);
        d.data().asNioFloat().put(0, dz);
        for (int l = layers - 1; l >= 0; l--) {
            Parameter pw = params.get(bias ? 2 * l : l);
            if (l == 0 && embedding) {
                scatterGrad(d, null, batch.tokens(), pw.grad());
                break;
            }
            Nd4j.gemm(d, a[l], pw.grad(), true, false, 1.0, 0.0);
            if (bias) {
                params.get(2 * l + 1).grad().assign(d.sum(true, 0));
            }
            if (l > 0) {
                INDArray da = Nd4j.gemm(d, w[l], work("da" + l, n, widths[l]), false, false, 1.0, 0.0);
                if (l == 1 && embedding) {
                    scatterGrad(da, a[1], batch.tokens(), params.get(0).grad());
                    break;
                }
                d = da.muli(Transforms.step(a[l], false)); // a[l] is not needed after this
            }
        }
        return stats;
    }

    /**
     * Embedding gradient: ∂E[tok] += ∂z₁ row of every example using tok, in one Java pass. When {@code act} (a₁)
     * is given, ∂z₁ = ∂a₁ ⊙ 1[a₁ &gt; 0], with the mask made by ND4J's {@code step} in place on a₁ (not needed
     * any more) and multiplied in here: the same products as {@code da.muli(step(a₁))}, without the extra passes.
     */
    private void scatterGrad(INDArray da, INDArray act, int[][] tokens, INDArray grad) {
        int h = widths[1];
        FloatBuffer db = da.data().asNioFloat();
        FloatBuffer mb = act == null ? null : Transforms.step(act, false).data().asNioFloat();
        float[] g = new float[widths[0] * h];
        float[] dd = new float[h];
        float[] mask = new float[h];
        for (int i = 0; i < tokens.length; i++) {
            int off = i * h;
            db.get(off, dd);
            if (mb != null) {
                mb.get(off, mask);
                for (int j = 0; j < h; j++) {
                    dd[j] *= mask[j];
                }
            }
            for (int tok : tokens[i]) {
                int row = tok * h;
                for (int j = 0; j < h; j++) {
                    g[row + j] += dd[j];
                }
            }
        }
        grad.data().asNioFloat().put(0, g);
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
