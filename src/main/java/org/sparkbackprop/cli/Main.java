package org.sparkbackprop.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import org.sparkbackprop.data.BadInputException;
import org.sparkbackprop.training.TrainingDiverged;

/** {@code spark-backprop COMMAND [OPTIONS]}: the entry point that spark-submit runs. */
@Command(name = "spark-backprop",
        mixinStandardHelpOptions = true,
        version = "spark-backprop 0.1.0",
        description = "Backpropagation with cross-entropy loss, trained by mini-batch gradient descent on Spark.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, ConvertCommand.class,
                SynthCommand.class, GradcheckCommand.class, CompareCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * Runs a command, printing its results to {@code out} and its errors to {@code err}, and
     * returns its exit code: 0 done, 1 failed, 2 bad input or settings, 3 training diverged.
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setOut(out);
        commandLine.setErr(err);
        Converters.register(commandLine);
        boolean verbose = Arrays.asList(args).contains("--verbose");
        try {
            ConfigFile.apply(commandLine, args);
        } catch (BadInputException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return ExitCodes.BAD_INPUT;
        }
        commandLine.setParameterExceptionHandler((exception, arguments) -> {
            CommandLine command = exception.getCommandLine();
            command.getErr().println("error: " + exception.getMessage() + " (see '"
                    + command.getCommandSpec().qualifiedName() + " --help')");
            return ExitCodes.BAD_INPUT;
        });
        commandLine.setExecutionExceptionHandler((exception, command, parseResult) -> {
            PrintWriter commandErr = command.getErr();
            BadInputException badInput = Failures.badInput(exception);
            if (verbose) {
                exception.printStackTrace(commandErr);
            }
            if (badInput != null) {
                commandErr.println("error: " + badInput.getMessage());
                return ExitCodes.BAD_INPUT;
            }
            if (exception instanceof TrainingDiverged diverged) {
                commandErr.println("error: " + diverged.getMessage());
                return ExitCodes.DIVERGED;
            }
            commandErr.println("error: " + Failures.describe(exception)
                    + (verbose ? "" : " (run with --verbose for the stack trace)"));
            return ExitCodes.FAILURE;
        });
        return commandLine.execute(args);
    }
}
