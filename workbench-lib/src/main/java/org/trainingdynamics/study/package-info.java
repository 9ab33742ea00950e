/**
 * Reproducibility: scale profiles ({@link org.trainingdynamics.study.Profile}), results folders and
 * provenance ({@link org.trainingdynamics.study.Study}), the PASS/FAIL checks that end every notebook
 * ({@link org.trainingdynamics.study.Checks}), and progress/interrupt handling for long work
 * ({@link org.trainingdynamics.study.Progress}).
 */
package org.trainingdynamics.study;
