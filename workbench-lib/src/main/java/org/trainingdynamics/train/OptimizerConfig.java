package org.trainingdynamics.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Optimiser settings, with PyTorch's update rules so runs are comparable to the papers' code. Weight decay
 * applies to every parameter, as with PyTorch's defaults.
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
            INDArray[] buf = new INDArray[params.size()];
            return new Optimizer() {
                private boolean first = true;

                @Override
                public void step(double lr) {
                    for (int i = 0; i < params.size(); i++) {
                        Parameter p = params.get(i);
                        INDArray g = p.grad();
                        if (weightDecay != 0) {
                            g = g.add(p.value().mul(weightDecay));
                        }
                        if (momentum != 0) {
                            if (first) {
                                buf[i] = g.dup();
                            } else {
                                buf[i].muli(momentum).addi(g);
                            }
                            g = nesterov ? g.add(buf[i].mul(momentum)) : buf[i];
                        }
                        p.value().subi(g.mul(lr));
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
            INDArray[] m = new INDArray[params.size()];
            INDArray[] v = new INDArray[params.size()];
            for (int i = 0; i < m.length; i++) {
                m[i] = Nd4j.zerosLike(params.get(i).value());
                v[i] = Nd4j.zerosLike(params.get(i).value());
            }
            return new Optimizer() {
                private long t;

                @Override
                public void step(double lr) {
                    t++;
                    double bc1 = 1 - Math.pow(beta1, t);
                    double sqrtBc2 = Math.sqrt(1 - Math.pow(beta2, t));
                    for (int i = 0; i < params.size(); i++) {
                        Parameter p = params.get(i);
                        INDArray g = p.grad();
                        if (weightDecay != 0) {
                            p.value().muli(1 - lr * weightDecay);
                        }
                        m[i].muli(beta1).addi(g.mul(1 - beta1));
                        v[i].muli(beta2).addi(g.mul(g).muli(1 - beta2));
                        INDArray denom = Transforms.sqrt(v[i], true).divi(sqrtBc2).addi(eps);
                        p.value().subi(m[i].div(denom).muli(lr / bc1));
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
