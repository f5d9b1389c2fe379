/**
 * What every layer shares and nothing depends on: {@code BadInputException}, the one way bad
 * input or settings reach the user (one line, exit code 2); {@code Ids}, how a setting's name on
 * the command line finds its constant; and the release's {@code Version}. Imports the JDK only.
 * (Writing a file whole or not at all needs Hadoop's file system, so it lives in {@code files}.)
 */
package org.sparkbackprop.common;
