package org.sparkbackprop.common;

/** This release's version, as {@code --version} prints it and exported models record it. */
public final class Version {
    /** The release, as the pom's version without its {@code -SNAPSHOT}. */
    public static final String NUMBER = "0.1.0";

    private Version() {
    }
}
