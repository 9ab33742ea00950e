package org.trainingdynamics.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ./workbench} command line: one picocli subcommand per library task. Exit codes: 0 success,
 * 1 a failed check or computation, 2 bad usage or bad input.
 */
@Command(name = "workbench", mixinStandardHelpOptions = true, version = "workbench 0.1.0",
        description = "Training Dynamics Workbench: import trajectories, train small models, run analyses, share results.",
        subcommands = {
            CommandLine.HelpCommand.class,
            ImportCommand.class,
            HmmCommand.class,
            TrainCommand.class,
            CmdCommand.class,
            SpectralCommand.class,
            SpectralGrokkingCommand.class,
            DmdCommand.class,
            ConjugacyCommand.class,
            DlnCommand.class,
            BundleCommand.class,
            VerifyCommand.class,
        })
public final class WorkbenchCli implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Runs the CLI; bad input surfaces as one readable line, not a stack trace. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (exit codes and error handling as documented above). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new WorkbenchCli());
        cl.setExecutionExceptionHandler((ex, cmd, parse) -> {
            cmd.getErr().println("error: " + ex.getMessage());
            if (System.getenv("WORKBENCH_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            }
            return ex instanceof IllegalArgumentException
                    || ex instanceof org.trainingdynamics.trajectory.TrajectoryFormatException ? 2 : 1;
        });
        return cl;
    }
}
