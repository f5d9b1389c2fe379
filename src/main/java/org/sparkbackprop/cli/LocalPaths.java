package org.sparkbackprop.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.sparkbackprop.data.BadInputException;

/** Early checks of paths on the local file system, so a typo fails before Spark starts. */
final class LocalPaths {
    private static final Pattern REMOTE_SCHEME = Pattern.compile("^(?!file:)[a-zA-Z][a-zA-Z0-9+.-]*://.*");

    private LocalPaths() {
    }

    /** Fails naming {@code option} when {@code path} is local (no scheme, or file:) and does not exist. */
    static void requireExists(String option, String path) {
        if (REMOTE_SCHEME.matcher(path).matches()) {
            return;
        }
        String local = path.startsWith("file://") ? path.substring("file://".length())
                : path.startsWith("file:") ? path.substring("file:".length()) : path;
        if (!Files.exists(Path.of(local))) {
            throw new BadInputException(option + " " + path + ": no such file or directory");
        }
    }
}
