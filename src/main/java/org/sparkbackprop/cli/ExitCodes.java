package org.sparkbackprop.cli;

/** What the process exit status means. */
final class ExitCodes {
    static final int OK = 0;
    /** Anything else that failed: a bug, a lost cluster. The message says what. */
    static final int FAILURE = 1;
    /** Bad input or settings: the one-line message names the file, row or setting. */
    static final int BAD_INPUT = 2;
    /** Training diverged: a loss, gradient or weight stopped being finite. Nothing was written. */
    static final int DIVERGED = 3;

    private ExitCodes() {
    }
}
