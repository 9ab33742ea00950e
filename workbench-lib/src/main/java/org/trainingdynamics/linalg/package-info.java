/**
 * The few numerical kernels the analyses share: a singular value decomposition wrapper ({@link
 * org.trainingdynamics.linalg.Svd}) that computes singular values only, or a thin SVD with the top-k
 * singular vectors, in float64 through LAPACK ({@code dgesvd} via ND4J) or EJML for small matrices.
 */
package org.trainingdynamics.linalg;
