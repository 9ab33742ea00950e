/** The {@code ./workbench} command line ({@link org.trainingdynamics.cli.WorkbenchCli}) and its subcommands. */
package org.trainingdynamics.cli;
