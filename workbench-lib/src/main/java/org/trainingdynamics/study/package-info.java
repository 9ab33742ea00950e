/**
 * Reproducibility: scale profiles ({@link org.trainingdynamics.study.Profile}), results folders and
 * provenance ({@link org.trainingdynamics.study.Study}, including the data sets a study opened, tracked by
 * {@link org.trainingdynamics.study.DataSets} with {@link org.trainingdynamics.study.ContentHash} hashes), the
 * PASS/FAIL checks that end every notebook ({@link org.trainingdynamics.study.Checks}), progress/interrupt
 * handling for long work ({@link org.trainingdynamics.study.Progress}), and sharing: study bundles
 * ({@link org.trainingdynamics.study.StudyBundle}, {@link org.trainingdynamics.study.BundleManifest}) verified by
 * integrity checks and a re-run whose tables are compared by {@link org.trainingdynamics.study.TableComparison}
 * ({@link org.trainingdynamics.study.VerifyReport}). See docs/reproduce.md.
 */
package org.trainingdynamics.study;
