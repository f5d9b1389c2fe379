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

    /**
     * The format a path implies. IDX is the one format so far, so every path is read as IDX,
     * whose reader names the file when it is not an IDX images file or MNIST directory.
     */
    static InputFormat inferFrom(String path) {
        return IDX;
    }
}
