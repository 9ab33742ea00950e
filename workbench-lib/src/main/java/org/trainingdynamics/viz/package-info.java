/** XChart figures shared by the studies: house style and PNG/SVG export ({@link org.trainingdynamics.viz.Figures}). */
package org.trainingdynamics.viz;
