package org.sparkbackprop.common;

/**
 * Input that cannot be used as it is: a malformed file, a row that does not fit the network,
 * a setting out of range. The message is the whole answer to the user: it names the file,
 * row or setting and what was expected. An IllegalArgumentException, as Spark ML's estimators throw
 * for bad data or parameters.
 */
public class BadInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
