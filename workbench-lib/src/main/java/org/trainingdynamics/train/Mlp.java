package org.trainingdynamics.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
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
 *
 * <p>A batch is processed in row chunks (see {@link #chunkRows}): forward, loss gradient and backward per chunk,
 * the weight gradients accumulated over chunks, so each chunk's activations stay in the cache between passes.
 */
public final class Mlp implements Model {
    private static final int EVAL_CHUNK = 4096;
    /** Floats in the widest activation block of one row chunk of a training batch (1 MiB); see {@link #chunkRows}. */
    private static final int CHUNK_FLOATS = 1 << 18;
    private final int[] widths;
    private final boolean embedding;
    private final boolean bias;
    private final Loss loss;
    private final INDArray[] w;
    private final INDArray[] b;
    private final List<Parameter> params = new ArrayList<>();
    /** Work arrays reused across steps (activations, logits, gradients), keyed by role; see {@link #work}. */
    private final Map<String, INDArray> work = new HashMap<>();
    /** Java work arrays reused across steps (activations, loss gradients, the embedding gradient), by role. */
    private final Map<String, float[]> heapWork = new HashMap<>();
    /** Java work arrays held as one array per row (activations, the embedding table and its gradient), by role. */
    private final Map<String, float[][]> heapRowWork = new HashMap<>();

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
     * Rows per chunk: a batch is processed in row chunks whose widest activation block holds about
     * {@link #CHUNK_FLOATS} floats, so that the activations written by one pass are still in the cache when
     * the next pass (GEMM, loss, mask, scatter) reads them. A batch that fits is one chunk.
     */
    private int chunkRows(int n) {
        int widest = 1;
        for (int l = 1; l < widths.length; l++) {
            widest = Math.max(widest, widths[l]);
        }
        int target = Math.max(1, CHUNK_FLOATS / widest);
        int chunks = (n + target - 1) / target;
        return (n + chunks - 1) / chunks;
    }

    /**
     * Forward pass over rows [r0, r0 + m) of {@code d}; returns the activations a₀ (the input rows, null for
     * tokens), a₁ = ReLU(z₁), …, and as the last entry the outputs z_L. ReLU is applied in place (z is not
     * needed again: 1[z &gt; 0] = 1[a &gt; 0]). The returned arrays are this model's work arrays, valid until the
     * next forward pass with the same number of rows. {@code table} is {@link #embeddingTable()} (null without
     * an embedding).
     */
    private INDArray[] forward(Dataset d, int r0, int m, float[][] table) {
        int layers = w.length;
        INDArray[] a = new INDArray[layers + 1];
        if (!embedding) {
            a[0] = r0 == 0 && m == d.size() ? d.features()
                    : d.features().get(NDArrayIndex.interval(r0, r0 + m), NDArrayIndex.all());
        }
        for (int l = 0; l < layers; l++) {
            boolean relu = l + 1 < layers;
            INDArray z;
            if (l == 0 && embedding) {
                z = gatherSum(table, d.tokens(), r0, m, relu);
            } else {
                z = Nd4j.gemm(a[l], w[l], work("z" + l, m, widths[l + 1]), false, true, 1.0, 0.0);
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
     * A work array [rows, cols] for {@code role}, reused from call to call (full-batch training asks for the
     * same shapes every step, so no off-heap allocation happens per step).
     */
    private INDArray work(String role, int rows, int cols) {
        String key = role + ":" + rows;
        INDArray a = work.get(key);
        if (a == null || a.columns() != cols) {
            a = Nd4j.zeros(DataType.FLOAT, rows, cols);
            work.put(key, a);
        }
        return a;
    }

    /**
     * A Java copy of the embedding table, one array per row (a work array refreshed by each call), or null
     * without an embedding.
     */
    private float[][] embeddingTable() {
        if (!embedding) {
            return null;
        }
        int h = widths[1];
        float[][] e = heapRows("E", widths[0], h);
        java.nio.FloatBuffer fb = w[0].data().asNioFloat();
        for (int t = 0; t < widths[0]; t++) {
            fb.get(t * h, e[t], 0, h);
        }
        return e;
    }

    /**
     * Java work rows (at least {@code rows} arrays of {@code cols} floats) for {@code role}, reused from call to
     * call. The element-wise passes work on separate row arrays rather than on offsets into one flat array:
     * HotSpot's C2 (JDK 17) vectorises {@code x[j] += y[j]} but not {@code x[o + j] += y[q + j]} with
     * loop-invariant offsets, which runs ~6× slower (measured, docs/BENCHMARKS.md, Trainers).
     */
    private float[][] heapRows(String role, int rows, int cols) {
        float[][] a = heapRowWork.get(role);
        if (a == null || a.length < rows || a[0].length != cols) {
            a = new float[rows][cols];
            heapRowWork.put(role, a);
        }
        return a;
    }

    /** A Java work array of at least {@code length} floats for {@code role}, reused from call to call. */
    private float[] heap(String role, int length) {
        float[] a = heapWork.get(role);
        if (a == null || a.length < length) {
            a = new float[length];
            heapWork.put(role, a);
        }
        return a;
    }

    /**
     * z₁ = Σ_j E[token_j] for rows [r0, r0 + m) in one Java pass (the float additions in token order), with
     * ReLU when {@code relu} applied in the same pass as (x + |x|)·½ — exact (x + x and the halving are exact
     * in float) and branch-free, so the JIT vectorises it (a per-element branch on the sign mispredicts). The
     * result stays in the Java work rows {@code a1} (the backward pass takes the ReLU mask from them) and is
     * copied row by row into an ND4J work array for the GEMM.
     */
    private INDArray gatherSum(float[][] e, int[][] tokens, int r0, int m, boolean relu) {
        int h = widths[1];
        float[][] z = heapRows("a1", m, h);
        INDArray out = work("embed", m, h);
        java.nio.FloatBuffer fb = out.data().asNioFloat();
        for (int i = 0; i < m; i++) {
            int[] t = tokens[r0 + i];
            float[] zi = z[i];
            if (t.length == 2) {
                float[] e0 = e[t[0]];
                float[] e1 = e[t[1]];
                if (relu) {
                    for (int k = 0; k < h; k++) {
                        float x = e0[k] + e1[k];
                        zi[k] = (x + Math.abs(x)) * 0.5f;
                    }
                } else {
                    for (int k = 0; k < h; k++) {
                        zi[k] = e0[k] + e1[k];
                    }
                }
            } else {
                System.arraycopy(e[t[0]], 0, zi, 0, h);
                for (int j = 1; j < t.length; j++) {
                    float[] ej = e[t[j]];
                    for (int k = 0; k < h; k++) {
                        zi[k] += ej[k];
                    }
                }
                if (relu) {
                    for (int k = 0; k < h; k++) {
                        float x = zi[k];
                        zi[k] = (x + Math.abs(x)) * 0.5f;
                    }
                }
            }
            fb.put(i * h, zi, 0, h);
        }
        return out;
    }

    /**
     * Gradients of the mean loss over the batch, computed chunk by chunk over rows (see {@link #chunkRows}):
     * each chunk runs forward, loss gradient (scaled by 1/batch size) and backward, and the weight gradients
     * accumulate over chunks (GEMMs with β = 1 after the first chunk).
     */
    @Override
    public BatchStats gradients(Dataset batch) {
        check(batch);
        int layers = w.length;
        int n = batch.size();
        int c = widths[widths.length - 1];
        int rows = chunkRows(n);
        float[][] table = embeddingTable();
        double total = 0;
        int correct = 0;
        for (int r0 = 0; r0 < n; r0 += rows) {
            int m = Math.min(rows, n - r0);
            boolean first = r0 == 0;
            boolean last = r0 + m == n;
            INDArray[] a = forward(batch, r0, m, table);
            float[] out = heap("out", m * c);
            a[layers].data().asNioFloat().get(0, out, 0, m * c);
            float[] dz = heap("dz", m * c);
            CrossEntropy.Sums s = lossSums(out, batch, r0, m, c, n, dz);
            total += s.loss();
            correct += s.correct();
            INDArray d = work("dz", m, c);
            d.data().asNioFloat().put(0, dz, 0, m * c);
            for (int l = layers - 1; l >= 0; l--) {
                Parameter pw = params.get(bias ? 2 * l : l);
                if (l == 0 && embedding) {
                    scatterGrad(d, false, batch.tokens(), r0, m, first, last, pw.grad());
                    break;
                }
                Nd4j.gemm(d, a[l], pw.grad(), true, false, 1.0, first ? 0.0 : 1.0);
                if (bias) {
                    INDArray gb = params.get(2 * l + 1).grad();
                    if (first) {
                        gb.assign(d.sum(true, 0));
                    } else {
                        gb.addi(d.sum(true, 0));
                    }
                }
                if (l > 0) {
                    INDArray da = Nd4j.gemm(d, w[l], work("da" + l, m, widths[l]), false, false, 1.0, 0.0);
                    if (l == 1 && embedding) {
                        scatterGrad(da, true, batch.tokens(), r0, m, first, last, params.get(0).grad());
                        break;
                    }
                    d = da.muli(Transforms.step(a[l], false)); // a[l] is not needed after this
                }
            }
        }
        return stats(total, correct, n);
    }

    /**
     * Embedding gradient: ∂E[tok] += ∂z₁ row of every example in rows [r0, r0 + m) using tok, in one Java pass
     * into the Java work rows {@code gE} (zeroed at the first chunk, copied into {@code grad} after the last).
     * With {@code masked}, ∂z₁ = ∂a₁ ⊙ 1[a₁ &gt; 0], the mask taken from the forward pass's Java copy of a₁ as
     * min(a·2¹²⁶·2¹²⁶, 1): exactly 1 for every a &gt; 0 (subnormals included) and 0 for a = +0, branch-free.
     */
    private void scatterGrad(INDArray da, boolean masked, int[][] tokens, int r0, int m, boolean first, boolean last,
                             INDArray grad) {
        int h = widths[1];
        int vocab = widths[0];
        float[][] g = heapRows("gE", vocab, h);
        if (first) {
            for (int t = 0; t < vocab; t++) {
                Arrays.fill(g[t], 0f);
            }
        }
        float[] dd = heap("da1", h);
        float[][] act = masked ? heapRows("a1", m, h) : null;
        java.nio.FloatBuffer fb = da.data().asNioFloat();
        for (int i = 0; i < m; i++) {
            fb.get(i * h, dd, 0, h);
            if (masked) {
                float[] ai = act[i];
                for (int j = 0; j < h; j++) {
                    dd[j] *= Math.min(ai[j] * 0x1p126f * 0x1p126f, 1f);
                }
            }
            for (int tok : tokens[r0 + i]) {
                float[] gt = g[tok];
                for (int j = 0; j < h; j++) {
                    gt[j] += dd[j];
                }
            }
        }
        if (last) {
            java.nio.FloatBuffer gb = grad.data().asNioFloat();
            for (int t = 0; t < vocab; t++) {
                gb.put(t * h, g[t], 0, h);
            }
        }
    }

    /**
     * Summed loss and number correct of outputs {@code out} [m, c] for rows [r0, r0 + m) of {@code d}; writes
     * ∂(mean loss over {@code n} examples)/∂out into {@code dz} when non-null.
     */
    private CrossEntropy.Sums lossSums(float[] out, Dataset d, int r0, int m, int c, int n, float[] dz) {
        double total = 0;
        int correct = 0;
        switch (loss) {
            case CROSS_ENTROPY -> {
                return CrossEntropy.sums(out, d.classes(), r0, m, c, dz, n);
            }
            case HINGE -> {
                float[] y = d.targets();
                for (int i = 0; i < m; i++) {
                    float yi = y[r0 + i];
                    double margin = 1 - yi * out[i];
                    total += Math.max(0, margin);
                    correct += Math.signum(out[i]) == yi ? 1 : 0;
                    if (dz != null) {
                        dz[i] = margin > 0 ? -yi / (float) n : 0f;
                    }
                }
            }
            case SQUARED_ERROR -> {
                float[] y = d.targets();
                int o = r0 * c;
                for (int i = 0; i < m * c; i++) {
                    double r = out[i] - y[o + i];
                    total += 0.5 * r * r;
                    if (dz != null) {
                        dz[i] = (float) (r / n);
                    }
                }
            }
            default -> throw new IllegalStateException();
        }
        return new CrossEntropy.Sums(total, correct);
    }

    /** Mean loss and accuracy from summed loss and count correct over {@code n} examples. */
    private BatchStats stats(double total, int correct, int n) {
        if (!Double.isFinite(total)) {
            throw new IllegalStateException("training diverged: the " + loss + " loss is " + total
                    + " (lower the learning rate)");
        }
        double acc = loss == Loss.SQUARED_ERROR ? Double.NaN : (double) correct / n;
        return new BatchStats(total / n, acc, n);
    }

    @Override
    public BatchStats evaluate(Dataset data) {
        check(data);
        int n = data.size();
        int c = widths[widths.length - 1];
        double loss = 0;
        double acc = 0;
        float[][] table = embeddingTable();
        for (int s = 0; s < n; s += EVAL_CHUNK) {
            int m = Math.min(EVAL_CHUNK, n - s);
            INDArray[] a = forward(data, s, m, table);
            float[] out = heap("out", m * c);
            a[w.length].data().asNioFloat().get(0, out, 0, m * c);
            CrossEntropy.Sums sums = lossSums(out, data, s, m, c, m, null);
            BatchStats st = stats(sums.loss(), sums.correct(), m);
            loss += st.loss() * m;
            acc += st.accuracy() * m;
        }
        return new BatchStats(loss / n, acc / n, n);
    }

}
