package org.sparkbackprop.files;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.UnsupportedFileSystemException;

/**
 * Writes a file whole or not at all, on any Hadoop file system: the content goes to a hidden
 * temporary file beside the target ({@code .NAME.UUID.tmp}), is synced where the stream can
 * sync, and replaces the target by a rename. On a local disk and on HDFS that rename is atomic
 * and replaces the old file in one step: readers see the old file or the new one, and a failure
 * leaves the old one as it was. On object stores ({@code s3a://}, ...) a rename is a copy: the
 * target is still never half-written, but a failure between deleting the old file and copying
 * the new one in can leave neither.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes what {@code content} produces. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes {@code content} to {@code given} (a local path or any Hadoop file system's URI). */
    public static void write(String given, Content content) throws IOException {
        write(DriverFiles.resolve(given), content);
    }

    /** Writes {@code content} to {@code target}, making its directory when missing. */
    public static void write(Path target, Content content) throws IOException {
        FileSystem fileSystem = DriverFiles.fileSystem(target);
        Path qualified = fileSystem.makeQualified(target);
        Path directory = qualified.getParent();
        if (!fileSystem.exists(directory) && !fileSystem.mkdirs(directory)) {
            throw new IOException("cannot create the directory " + directory);
        }
        Path temporary = new Path(directory, "." + qualified.getName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FSDataOutputStream out = fileSystem.create(temporary, false)) {
                content.writeTo(new KeptOpen(out));
                out.flush();
                if (out.hasCapability(StreamCapabilities.HSYNC)) {
                    out.hsync();
                }
            }
            if (fileSystem.exists(qualified)) {
                fileSystem.setPermission(temporary, fileSystem.getFileStatus(qualified).getPermission());
            }
            replace(fileSystem, temporary, qualified);
        } finally {
            if (fileSystem.exists(temporary)) {
                fileSystem.delete(temporary, false);
            }
        }
    }

    /** What {@link Content} writes to: closing it (as a JSON generator does) leaves the file open to be synced. */
    private static final class KeptOpen extends FilterOutputStream {
        KeptOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /** Renames {@code temporary} to {@code target}, replacing it in one step where the file system can. */
    private static void replace(FileSystem fileSystem, Path temporary, Path target) throws IOException {
        if (fileSystem instanceof RawLocalFileSystem) {
            // rename(2): atomic, and replaces an existing target
            if (!fileSystem.rename(temporary, target)) {
                throw new IOException("cannot rename " + temporary + " to " + target);
            }
            return;
        }
        try {
            // HDFS: an atomic rename that replaces the target (FileSystem.rename refuses an existing one)
            FileContext.getFileContext(target.toUri(), fileSystem.getConf())
                    .rename(temporary, target, Options.Rename.OVERWRITE);
        } catch (UnsupportedFileSystemException | UnsupportedOperationException | FileAlreadyExistsException e) {
            // object stores: no atomic replacement; the target is still never half-written
            if (fileSystem.exists(target)) {
                fileSystem.delete(target, false);
            }
            if (!fileSystem.rename(temporary, target)) {
                throw new IOException("cannot rename " + temporary + " to " + target);
            }
        }
    }
}
