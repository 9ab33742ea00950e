/**
 * The workbench's Jupyter kernel: cells are evaluated by JShell in the kernel's own JVM, with
 * workbench-lib and its dependencies on the class path, on top of the Jupyter messaging layer of
 * {@code org.dflib.jjava:jjava-jupyter} (IJava lineage; our own code, see {@code docs/kernel.md}).
 *
 * <p>Entry point: {@link org.trainingdynamics.kernel.KernelMain}. Cell code sees the helpers of
 * {@link org.trainingdynamics.kernel.Notebook} ({@code display}, {@code updateDisplay}, ...) statically imported.
 */
package org.trainingdynamics.kernel;
