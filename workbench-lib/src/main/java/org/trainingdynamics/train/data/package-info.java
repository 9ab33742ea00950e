/**
 * Data sets for the trainers: Fashion-MNIST from Debian's IDX files ({@link org.trainingdynamics.train.data.FashionMnist},
 * {@link org.trainingdynamics.train.data.Idx}) and synthetic sets generated from a seed — modular arithmetic,
 * sparse parity and Gaussian teacher–student regression — as in-memory
 * {@link org.trainingdynamics.train.data.Dataset}s.
 */
package org.trainingdynamics.train.data;
