package org.sparkbackprop.checkpoint;

import java.io.IOException;
import java.time.Instant;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.sparkbackprop.common.BadInputException;

/**
 * What a resumed run checks of its input without reading it again: the number of files under
 * a path, their total size and the latest modification time. A changed, added or removed file
 * changes it.
 */
public final class DataFingerprint {
    private DataFingerprint() {
    }

    public static String of(String path, Configuration configuration) {
        try {
            Path root = new Path(path);
            FileSystem fileSystem = root.getFileSystem(configuration);
            long files = 0;
            long bytes = 0;
            long modified = 0;
            for (RemoteIterator<LocatedFileStatus> statuses = fileSystem.listFiles(root, true); statuses.hasNext(); ) {
                LocatedFileStatus status = statuses.next();
                files++;
                bytes += status.getLen();
                modified = Math.max(modified, status.getModificationTime());
            }
            return files + " files, " + bytes + " bytes, last modified " + Instant.ofEpochMilli(modified);
        } catch (IOException e) {
            throw new BadInputException(path + ": cannot list the files (" + e.getMessage() + ")", e);
        }
    }
}
