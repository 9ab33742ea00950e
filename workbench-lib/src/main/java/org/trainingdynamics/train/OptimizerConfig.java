package org.trainingdynamics.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Optimiser settings, with PyTorch's update rules so runs are comparable to the papers' code. Weight decay
 * applies to every parameter, as with PyTorch's defaults. The elementwise updates run as plain Java loops
 * in double precision over the parameters' buffers (optimiser state kept in double): deterministic,
 * single-threaded, and free of ND4J's per-op overhead, which dominated the step time of small models.
 * Parameters must be contiguous, row-major arrays (as the models create them).
 */
public sealed interface OptimizerConfig {

    /** Creates the optimiser state for these parameters. */
    Optimizer create(List<Parameter> params);

    /** Settings for the trajectory metadata. */
    Map<String, Object> describe();

    /** Applies one update with the given learning rate, reading each parameter's gradient. */
    interface Optimizer {
        void step(double lr);
    }

    /**
     * SGD as {@code torch.optim.SGD}: g ← ∇L + λθ (coupled L2 weight decay); with momentum μ, b ← μb + g
     * (b = g on the first step) and g ← b (Nesterov: g ← g + μb); θ ← θ − ηg.
     *
     * @param momentum    μ (0 for plain SGD)
     * @param weightDecay λ
     * @param nesterov    Nesterov momentum
     */
    record Sgd(double momentum, double weightDecay, boolean nesterov) implements OptimizerConfig {
        public Sgd {
            check("momentum", momentum, 0, 1);
            check("weightDecay", weightDecay, 0, Double.MAX_VALUE);
        }

        /** Plain SGD with weight decay λ. */
        public static Sgd plain(double weightDecay) {
            return new Sgd(0, weightDecay, false);
        }

        @Override
        public Optimizer create(List<Parameter> params) {
            double[][] buf = new double[params.size()][];
            NdBuffers.Staging[] thetaBuf = new NdBuffers.Staging[params.size()];
            NdBuffers.Staging[] gradBuf = new NdBuffers.Staging[params.size()];
            for (int i = 0; i < buf.length; i++) {
                thetaBuf[i] = new NdBuffers.Staging();
                gradBuf[i] = new NdBuffers.Staging();
            }
            return new Optimizer() {
                private boolean first = true;

                @Override
                public void step(double lr) {
                    for (int i = 0; i < params.size(); i++) {
                        Parameter p = params.get(i);
                        double[] theta = thetaBuf[i].read(p.value());
                        double[] g = gradBuf[i].read(p.grad());
                        if (momentum != 0 && first) {
                            buf[i] = new double[g.length];
                        }
                        double[] b = buf[i];
                        for (int j = 0; j < theta.length; j++) {
                            double d = g[j] + weightDecay * theta[j];
                            if (momentum != 0) {
                                b[j] = first ? d : momentum * b[j] + d;
                                d = nesterov ? d + momentum * b[j] : b[j];
                            }
                            theta[j] -= lr * d;
                        }
                        thetaBuf[i].write(p.value(), theta);
                    }
                    first = false;
                }
            };
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", "sgd");
            m.put("momentum", momentum);
            m.put("weight_decay", weightDecay);
            m.put("nesterov", nesterov);
            return m;
        }
    }

    /**
     * Adam with decoupled weight decay as {@code torch.optim.AdamW} (Loshchilov &amp; Hutter 2019):
     * θ ← θ(1 − ηλ); m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − (η/(1−β₁ᵗ))·m/(√v/√(1−β₂ᵗ) + ε).
     * With λ = 0 this is Adam.
     *
     * @param beta1       β₁
     * @param beta2       β₂
     * @param eps         ε
     * @param weightDecay λ (decoupled)
     */
    record AdamW(double beta1, double beta2, double eps, double weightDecay) implements OptimizerConfig {
        public AdamW {
            check("beta1", beta1, 0, 1);
            check("beta2", beta2, 0, 1);
            check("eps", eps, 0, Double.MAX_VALUE);
            check("weightDecay", weightDecay, 0, Double.MAX_VALUE);
        }

        /** PyTorch's defaults β = (0.9, 0.999), ε = 1e-8, with weight decay λ. */
        public static AdamW of(double weightDecay) {
            return new AdamW(0.9, 0.999, 1e-8, weightDecay);
        }

        @Override
        public Optimizer create(List<Parameter> params) {
            double[][] m = new double[params.size()][];
            double[][] v = new double[params.size()][];
            NdBuffers.Staging[] thetaBuf = new NdBuffers.Staging[params.size()];
            NdBuffers.Staging[] gradBuf = new NdBuffers.Staging[params.size()];
            for (int i = 0; i < m.length; i++) {
                m[i] = new double[(int) params.get(i).value().length()];
                v[i] = new double[m[i].length];
                thetaBuf[i] = new NdBuffers.Staging();
                gradBuf[i] = new NdBuffers.Staging();
            }
            return new Optimizer() {
                private long t;

                @Override
                public void step(double lr) {
                    t++;
                    double bc1 = 1 - Math.pow(beta1, t);
                    double sqrtBc2 = Math.sqrt(1 - Math.pow(beta2, t));
                    double decay = 1 - lr * weightDecay;
                    double stepSize = lr / bc1;
                    for (int i = 0; i < params.size(); i++) {
                        Parameter p = params.get(i);
                        double[] theta = thetaBuf[i].read(p.value());
                        double[] g = gradBuf[i].read(p.grad());
                        double[] mi = m[i];
                        double[] vi = v[i];
                        for (int j = 0; j < theta.length; j++) {
                            double th = theta[j] * decay;
                            mi[j] = beta1 * mi[j] + (1 - beta1) * g[j];
                            vi[j] = beta2 * vi[j] + (1 - beta2) * g[j] * g[j];
                            theta[j] = th - stepSize * mi[j] / (Math.sqrt(vi[j]) / sqrtBc2 + eps);
                        }
                        thetaBuf[i].write(p.value(), theta);
                    }
                }
            };
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("name", "adamw");
            d.put("beta1", beta1);
            d.put("beta2", beta2);
            d.put("eps", eps);
            d.put("weight_decay", weightDecay);
            return d;
        }
    }

    private static void check(String what, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi) || Double.isNaN(v)) {
            throw new IllegalArgumentException(what + " must be in [" + lo + ", " + hi + "], got " + v);
        }
    }
}
