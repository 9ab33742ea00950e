/**
 * Correlation Mode Decomposition (CMD): every parameter's time profile modelled as an affine map
 * {@code w_i(t) ≈ a_i · w_{r(m_i)}(t) + b_i} of one of a few reference profiles (modes).
 *
 * <p>Post-hoc CMD ({@link org.trainingdynamics.cmd.Cmd}) follows the official code
 * (github.com/rbetser/CMD, {@code utils/cmd_utils.py: basic_cmd}) of Brokman et al., "Enhancing Neural
 * Training via a Correlated Dynamics Model", ICLR 2024 (arXiv 2312.13247), itself building on Turjeman et
 * al. 2022 (arXiv 2212.09040): layer-balanced sampling, |Pearson| correlation of the sample, complete-linkage
 * clustering of correlation profiles, references, assignment of all parameters and closed-form affine
 * coefficients. It streams parameter blocks, so trajectories larger than the heap are fine.
 * {@link org.trainingdynamics.cmd.OnlineCmd} keeps O(N) running moments after a warm-up and
 * {@link org.trainingdynamics.cmd.EmbeddedCmd} is the paper's "embedded CMD" training hook.
 */
package org.trainingdynamics.cmd;
