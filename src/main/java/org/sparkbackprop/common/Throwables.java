package org.sparkbackprop.common;

/** What a failure says, read through the wrappers around it (Spark's task errors, executors' futures). */
public final class Throwables {
    private Throwables() {
    }

    /** The innermost cause of {@code failure}: the one that says what went wrong. */
    public static Throwable innermost(Throwable failure) {
        Throwable innermost = failure;
        while (innermost.getCause() != null && innermost.getCause() != innermost) {
            innermost = innermost.getCause();
        }
        return innermost;
    }

    /** The first line of the innermost cause's message; "" when it has none. */
    public static String innermostMessage(Throwable failure) {
        return String.valueOf(innermost(failure).getMessage()).lines().findFirst().orElse("");
    }
}
