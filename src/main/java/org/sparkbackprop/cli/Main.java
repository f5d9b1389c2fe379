package org.sparkbackprop.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.common.Version;
import org.sparkbackprop.training.TrainingDiverged;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spark-backprop COMMAND [OPTIONS]}: the entry point that spark-submit runs. */
@Command(name = "spark-backprop",
        mixinStandardHelpOptions = true,
        version = "spark-backprop " + Version.NUMBER,
        description = "Backpropagation with cross-entropy loss, trained by mini-batch gradient descent on Spark.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, ExportCommand.class, ConvertCommand.class,
                SynthCommand.class, GradcheckCommand.class, CompareCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    /** Declared once, here, and inherited by every command. */
    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean verbose;

    public static void main(String[] args) {
        StringWriter errors = new StringWriter();
        PrintWriter err = new PrintWriter(new TeeWriter(new PrintWriter(System.err, true), errors), true);
        int exitCode = run(new PrintWriter(System.out, true), err, args);
        if (!inYarnApplicationMaster()) {
            System.exit(exitCode);
        }
        // YARN cluster mode: Spark's application master calls main and judges the run by how it
        // ends. A System.exit would be taken for a crash (and the application attempted again);
        // returning is success, an exception is failure, and its first line becomes the
        // application's diagnostics, which submit/yarn.sh prints.
        if (exitCode != ExitCodes.OK) {
            String errorLine = errors.toString().lines().filter(line -> line.startsWith("error: "))
                    .reduce((first, second) -> second).orElse("error: failed");
            throw new Failed(exitCode, errorLine);
        }
    }

    /** Whether this is the driver that Spark's YARN application master runs (cluster deploy mode). */
    private static boolean inYarnApplicationMaster() {
        return "yarn".equals(System.getProperty("spark.master"))
                && "cluster".equals(System.getProperty("spark.submit.deployMode"));
    }

    /** How a command failed, for YARN's diagnostics: "exit code 2: error: ...", without a stack trace. */
    static final class Failed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failed(int exitCode, String errorLine) {
            super("exit code " + exitCode + ": " + errorLine, null, false, false);
        }
    }

    /** Writes to two writers: the console, and a copy from which the error line is taken. */
    private static final class TeeWriter extends Writer {
        private final Writer first;
        private final Writer second;

        TeeWriter(Writer first, Writer second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(char[] characters, int offset, int length) throws IOException {
            first.write(characters, offset, length);
            second.write(characters, offset, length);
        }

        @Override
        public void flush() throws IOException {
            first.flush();
            second.flush();
        }

        @Override
        public void close() throws IOException {
            flush();
        }
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
            boolean verbose = verbose(parseResult);
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

    /** Whether --verbose was given to the command or to one of its parents. */
    private static boolean verbose(CommandLine.ParseResult parseResult) {
        for (CommandLine.ParseResult level = parseResult; level != null; level = level.subcommand()) {
            if (level.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
