package org.sparkbackprop.cli;

/** The formats {@code --format} accepts; inferred from the path when not given. */
enum InputFormat {
    /** MNIST's IDX: an images file (or a directory in the standard layout) and its labels file. */
    IDX("idx");

    private final String id;

    InputFormat(String id) {
        this.id = id;
    }

    String id() {
        return id;
    }

    static InputFormat fromId(String id) {
        for (InputFormat format : values()) {
            if (format.id.equals(id)) {
                return format;
            }
        }
        throw new IllegalArgumentException("unknown format '" + id + "', expected one of: idx");
    }

    /** The format a path's name implies; IDX for MNIST's file names and for directories. */
    static InputFormat inferFrom(String path) {
        return IDX;
    }
}
