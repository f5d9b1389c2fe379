package org.sparkbackprop.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the project's submit scripts as a user would, output to a file, with a time limit. */
final class Scripts {
    record Run(int exitCode, String output) {
    }

    private Scripts() {
    }

    static Process start(Map<String, String> environment, Path output, String... command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        // no SPARK_HOME of the machine's: the project's own Spark, unless the test gives one
        builder.environment().remove("SPARK_HOME");
        builder.environment().putAll(environment);
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return builder.start();
    }

    /** As {@link #run}, with {@code input} as the script's standard input. */
    static Run runWithInput(Path input, Path output, long minutes, String... command)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(input.toFile()).redirectOutput(output.toFile());
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        builder.environment().remove("SPARK_HOME");
        return await(builder.start(), output, minutes, command);
    }

    /** Runs to the end, or kills the script's whole process tree and fails after {@code minutes}. */
    static Run run(Map<String, String> environment, Path output, long minutes, String... command)
            throws IOException, InterruptedException {
        return await(start(environment, output, command), output, minutes, command);
    }

    static Run await(Process process, Path output, long minutes, String... command)
            throws IOException, InterruptedException {
        boolean finished = process.waitFor(minutes, TimeUnit.MINUTES);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        String text = Files.readString(output);
        assertTrue(finished, String.join(" ", List.of(command)) + " did not finish in " + minutes + " min:\n" + text);
        return new Run(process.exitValue(), text);
    }
}
