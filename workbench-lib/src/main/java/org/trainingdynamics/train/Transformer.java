package org.trainingdynamics.train;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.trainingdynamics.train.data.Dataset;

/**
 * The one-layer transformer of the grokking papers (Nanda et al. 2023; used by Redman et al. 2024 §2d and
 * Hu et al. 2023): token and position embeddings, one attention layer (h heads of size d_head, causal),
 * a ReLU MLP, residual connections, no LayerNorm, an unembedding read at the last position (the "="
 * token). Only the last position's output enters the loss and the model has one layer, so the forward pass
 * computes the query and MLP at that position only (keys and values at all positions) — the same logits.
 * Hand-derived backpropagation, GEMMs on ND4J; checked against finite differences in the tests.
 * Tensors (PyTorch Linear convention [out, in]): {@code embed.W_E} [vocab, d], {@code pos_embed.W_pos}
 * [n_ctx, d], {@code attn.W_Q}, {@code attn.W_K}, {@code attn.W_V} [h·d_head, d], {@code attn.W_O}
 * [d, h·d_head], {@code mlp.W_in} [d_mlp, d], {@code mlp.b_in} [d_mlp], {@code mlp.W_out} [d, d_mlp],
 * {@code mlp.b_out} [d], {@code unembed.W_U} [classes, d]. Initialisation as Nanda's code: N(0, 1/d) for
 * everything but W_U ~ N(0, 1/vocab), biases 0, all multiplied by {@code initScale}.
 */
public final class Transformer implements Model {
    private final int vocab;
    private final int ctx;
    private final int d;
    private final int heads;
    private final int dh;
    private final int dMlp;
    private final int classes;
    private final List<Parameter> params = new ArrayList<>();
    private final INDArray wE;
    private final INDArray wPos;
    private final INDArray wQ;
    private final INDArray wK;
    private final INDArray wV;
    private final INDArray wO;
    private final INDArray wIn;
    private final INDArray bIn;
    private final INDArray wOut;
    private final INDArray bOut;
    private final INDArray wU;

    /** A transformer with the given sizes, initialised from {@code rng}. */
    public Transformer(int vocab, int ctx, int d, int heads, int dHead, int dMlp, int classes, double initScale, Rng rng) {
        if (vocab < 2 || ctx < 1 || d < 1 || heads < 1 || dHead < 1 || dMlp < 1 || classes < 2) {
            throw new IllegalArgumentException("transformer sizes must be positive (vocab, classes >= 2)");
        }
        this.vocab = vocab;
        this.ctx = ctx;
        this.d = d;
        this.heads = heads;
        this.dh = dHead;
        this.dMlp = dMlp;
        this.classes = classes;
        int hd = heads * dHead;
        double s = initScale / Math.sqrt(d);
        wE = add("embed.W_E", new long[]{vocab, d}, s, rng);
        wPos = add("pos_embed.W_pos", new long[]{ctx, d}, s, rng);
        wQ = add("attn.W_Q", new long[]{hd, d}, s, rng);
        wK = add("attn.W_K", new long[]{hd, d}, s, rng);
        wV = add("attn.W_V", new long[]{hd, d}, s, rng);
        wO = add("attn.W_O", new long[]{d, hd}, s, rng);
        wIn = add("mlp.W_in", new long[]{dMlp, d}, s, rng);
        bIn = add("mlp.b_in", new long[]{dMlp}, 0, rng);
        wOut = add("mlp.W_out", new long[]{d, dMlp}, s, rng);
        bOut = add("mlp.b_out", new long[]{d}, 0, rng);
        wU = add("unembed.W_U", new long[]{classes, d}, initScale / Math.sqrt(vocab), rng);
    }

    private INDArray add(String name, long[] shape, double std, Rng rng) {
        int n = 1;
        for (long x : shape) {
            n *= (int) x;
        }
        INDArray v = Nd4j.create(rng.normalFloats(n, std), shape, 'c');
        params.add(new Parameter(name, v, Nd4j.zeros(DataType.FLOAT, shape)));
        return v;
    }

    @Override
    public List<Parameter> parameters() {
        return params;
    }

    private static float[] mm(float[] a, int m, int k, INDArray w, boolean transB) {
        return Nd4j.gemm(Nd4j.create(a, new long[]{m, k}, 'c'), w, false, transB).data().asFloat();
    }

    private static void gradInto(float[] dz, int m, int n, float[] a, int k, Parameter p) {
        Nd4j.gemm(Nd4j.create(dz, new long[]{m, n}, 'c'), Nd4j.create(a, new long[]{m, k}, 'c'),
                p.grad().reshape(n, k), true, false, 1.0, 0.0);
    }

    private record Cache(float[] x0, float[] xl, float[] q, float[] k, float[] v, float[] att, float[] z, float[] x1,
                         float[] h, float[] x2, float[] logits) {
    }

    private Cache forward(Dataset data) {
        int b = data.size();
        int[][] tok = data.tokens();
        int hd = heads * dh;
        float[] e = wE.data().asFloat();
        float[] pos = wPos.data().asFloat();
        float[] x0 = new float[b * ctx * d]; // [b, t, d]
        float[] xl = new float[b * d];       // last position
        for (int i = 0; i < b; i++) {
            if (tok[i].length != ctx) {
                throw new IllegalArgumentException(data.name() + ": example " + i + " has " + tok[i].length
                        + " tokens, the transformer expects " + ctx);
            }
            for (int t = 0; t < ctx; t++) {
                int tk = tok[i][t];
                if (tk < 0 || tk >= vocab) {
                    throw new IllegalArgumentException(data.name() + ": token " + tk + " outside 0.." + (vocab - 1));
                }
                for (int j = 0; j < d; j++) {
                    x0[(i * ctx + t) * d + j] = e[tk * d + j] + pos[t * d + j];
                }
            }
            System.arraycopy(x0, (i * ctx + ctx - 1) * d, xl, i * d, d);
        }
        float[] q = mm(xl, b, d, wQ, true);          // [b, hd]
        float[] k = mm(x0, b * ctx, d, wK, true);    // [b*ctx, hd]
        float[] v = mm(x0, b * ctx, d, wV, true);
        float[] att = new float[b * heads * ctx];
        float[] z = new float[b * hd];
        double scale = 1 / Math.sqrt(dh);
        for (int i = 0; i < b; i++) {
            for (int hh = 0; hh < heads; hh++) {
                double max = Double.NEGATIVE_INFINITY;
                double[] s = new double[ctx];
                for (int t = 0; t < ctx; t++) {
                    double dot = 0;
                    for (int j = 0; j < dh; j++) {
                        dot += q[i * hd + hh * dh + j] * k[(i * ctx + t) * hd + hh * dh + j];
                    }
                    s[t] = dot * scale;
                    max = Math.max(max, s[t]);
                }
                double sum = 0;
                for (int t = 0; t < ctx; t++) {
                    s[t] = Math.exp(s[t] - max);
                    sum += s[t];
                }
                for (int t = 0; t < ctx; t++) {
                    float a = (float) (s[t] / sum);
                    att[(i * heads + hh) * ctx + t] = a;
                    for (int j = 0; j < dh; j++) {
                        z[i * hd + hh * dh + j] += a * v[(i * ctx + t) * hd + hh * dh + j];
                    }
                }
            }
        }
        float[] attOut = mm(z, b, hd, wO, true);     // [b, d]
        float[] x1 = new float[b * d];
        for (int i = 0; i < x1.length; i++) {
            x1[i] = xl[i] + attOut[i];
        }
        float[] h = mm(x1, b, d, wIn, true);         // [b, dMlp]
        float[] bi = bIn.data().asFloat();
        for (int i = 0; i < h.length; i++) {
            h[i] = Math.max(0f, h[i] + bi[i % dMlp]);
        }
        float[] mo = mm(h, b, dMlp, wOut, true);
        float[] bo = bOut.data().asFloat();
        float[] x2 = new float[b * d];
        for (int i = 0; i < x2.length; i++) {
            x2[i] = x1[i] + mo[i] + bo[i % d];
        }
        float[] logits = mm(x2, b, d, wU, true);    // [b, classes]
        return new Cache(x0, xl, q, k, v, att, z, x1, h, x2, logits);
    }

    private void check(Dataset data) {
        if (data.tokens() == null || data.classes() == null || data.numClasses() != classes) {
            throw new IllegalArgumentException(data.name() + ": the transformer needs token inputs and " + classes + " classes");
        }
    }

    @Override
    public BatchStats gradients(Dataset data) {
        check(data);
        int b = data.size();
        int hd = heads * dh;
        Cache c = forward(data);
        float[] dl = new float[b * classes];
        BatchStats st = CrossEntropy.lossAndGrad(c.logits(), data.classes(), b, classes, dl);
        gradInto(dl, b, classes, c.x2(), d, params.get(10));
        float[] dx2 = mm(dl, b, classes, wU, false);
        // MLP
        gradInto(dx2, b, d, c.h(), dMlp, params.get(8));
        params.get(9).grad().assign(Nd4j.create(colSums(dx2, d), new long[]{d}, 'c'));
        float[] dh1 = mm(dx2, b, d, wOut, false);
        float[] hv = c.h();
        for (int i = 0; i < dh1.length; i++) {
            dh1[i] = hv[i] > 0 ? dh1[i] : 0f;
        }
        gradInto(dh1, b, dMlp, c.x1(), d, params.get(6));
        params.get(7).grad().assign(Nd4j.create(colSums(dh1, dMlp), new long[]{dMlp}, 'c'));
        float[] dx1 = mm(dh1, b, dMlp, wIn, false);
        for (int i = 0; i < dx1.length; i++) {
            dx1[i] += dx2[i];
        }
        // attention output projection
        gradInto(dx1, b, d, c.z(), hd, params.get(5));
        float[] dz = mm(dx1, b, d, wO, false);       // [b, hd]
        float[] dq = new float[b * hd];
        float[] dk = new float[b * ctx * hd];
        float[] dv = new float[b * ctx * hd];
        double scale = 1 / Math.sqrt(dh);
        for (int i = 0; i < b; i++) {
            for (int hh = 0; hh < heads; hh++) {
                double[] da = new double[ctx];
                double dot = 0;
                for (int t = 0; t < ctx; t++) {
                    float a = c.att()[(i * heads + hh) * ctx + t];
                    double s = 0;
                    for (int j = 0; j < dh; j++) {
                        int vi = (i * ctx + t) * hd + hh * dh + j;
                        float g = dz[i * hd + hh * dh + j];
                        s += g * c.v()[vi];
                        dv[vi] += a * g;
                    }
                    da[t] = s;
                    dot += a * s;
                }
                for (int t = 0; t < ctx; t++) {
                    float a = c.att()[(i * heads + hh) * ctx + t];
                    double ds = a * (da[t] - dot) * scale;
                    for (int j = 0; j < dh; j++) {
                        int ki = (i * ctx + t) * hd + hh * dh + j;
                        dq[i * hd + hh * dh + j] += (float) (ds * c.k()[ki]);
                        dk[ki] += (float) (ds * c.q()[i * hd + hh * dh + j]);
                    }
                }
            }
        }
        gradInto(dq, b, hd, c.xl(), d, params.get(2));
        gradInto(dk, b * ctx, hd, c.x0(), d, params.get(3));
        gradInto(dv, b * ctx, hd, c.x0(), d, params.get(4));
        float[] dxl = mm(dq, b, hd, wQ, false);
        float[] dx0 = mm(dk, b * ctx, hd, wK, false);
        float[] dx0v = mm(dv, b * ctx, hd, wV, false);
        for (int i = 0; i < dx0.length; i++) {
            dx0[i] += dx0v[i];
        }
        for (int i = 0; i < b; i++) {
            int o = (i * ctx + ctx - 1) * d;
            for (int j = 0; j < d; j++) {
                dx0[o + j] += dxl[i * d + j] + dx1[i * d + j];
            }
        }
        float[] gE = new float[vocab * d];
        float[] gPos = new float[ctx * d];
        int[][] tok = data.tokens();
        for (int i = 0; i < b; i++) {
            for (int t = 0; t < ctx; t++) {
                int o = (i * ctx + t) * d;
                int r = tok[i][t] * d;
                for (int j = 0; j < d; j++) {
                    gE[r + j] += dx0[o + j];
                    gPos[t * d + j] += dx0[o + j];
                }
            }
        }
        params.get(0).grad().assign(Nd4j.create(gE, new long[]{vocab, d}, 'c'));
        params.get(1).grad().assign(Nd4j.create(gPos, new long[]{ctx, d}, 'c'));
        return st;
    }

    private static float[] colSums(float[] a, int n) {
        float[] s = new float[n];
        for (int i = 0; i < a.length; i++) {
            s[i % n] += a[i];
        }
        return s;
    }

    @Override
    public BatchStats evaluate(Dataset data) {
        check(data);
        return CrossEntropy.lossAndGrad(forward(data).logits(), data.classes(), data.size(), classes, null);
    }
}
