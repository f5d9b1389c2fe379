package org.sparkbackprop.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.sparkbackprop.cli.Main;

/** Runs a spark-backprop command in this JVM, as {@code Main} does for spark-submit, capturing what it prints. */
public final class Cli {
    private Cli() {
    }

    /** A command's exit code, standard output and standard error. */
    public record Result(int exitCode, String out, String err) {
        public List<String> errLines() {
            return err.lines().toList();
        }
    }

    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(exitCode, out.toString(), err.toString());
    }
}
