package org.sparkbackprop.cli;

import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.common.Throwables;

/** Finds what a failure means to the user, through Spark's wrapping of task errors. */
final class Failures {
    private Failures() {
    }

    /**
     * The bad-input error behind {@code failure}, if any: thrown directly, raised by a setting's
     * validation, or raised in a Spark task and carried back as the cause of a SparkException.
     */
    static BadInputException badInput(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof BadInputException badInput) {
                return badInput;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return null;
    }

    /** The innermost message, which is the one that says what went wrong. */
    static String describe(Throwable failure) {
        Throwable innermost = Throwables.innermost(failure);
        String message = innermost.getMessage();
        return innermost.getClass().getSimpleName() + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
    }
}
