/**
 * Benchmark harnesses: each {@code main} measures a workbench operation and a baseline in the same run and
 * prints their ratio (see docs/BENCHMARKS.md for the commands and recorded figures).
 */
package org.trainingdynamics.bench;
