package org.sparkbackprop.checkpoint;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.sparkbackprop.common.BadInputException;

/**
 * What a resumed run checks of its input without reading it again: the number of files under
 * a path (or of a catalog table), their total size and the latest modification time. A changed, added or removed file
 * changes it.
 */
public final class DataFingerprint {
    private DataFingerprint() {
    }

    public static String of(String path, Configuration configuration) {
        try {
            Path root = new Path(path);
            FileSystem fileSystem = root.getFileSystem(configuration);
            List<FileStatus> statuses = new ArrayList<>();
            for (RemoteIterator<LocatedFileStatus> files = fileSystem.listFiles(root, true); files.hasNext(); ) {
                statuses.add(files.next());
            }
            return summary(statuses);
        } catch (IOException e) {
            throw new BadInputException(path + ": cannot list the files (" + e.getMessage() + ")", e);
        }
    }

    /** The same of the files {@code files} (a catalog table's, as Spark lists them), named {@code source}. */
    public static String ofFiles(String source, List<String> files, Configuration configuration) {
        try {
            List<FileStatus> statuses = new ArrayList<>();
            for (String file : files) {
                Path path = new Path(file);
                statuses.add(path.getFileSystem(configuration).getFileStatus(path));
            }
            return summary(statuses);
        } catch (IOException e) {
            throw new BadInputException(source + ": cannot list the files (" + e.getMessage() + ")", e);
        }
    }

    private static String summary(List<FileStatus> statuses) {
        long bytes = 0;
        long modified = 0;
        for (FileStatus status : statuses) {
            bytes += status.getLen();
            modified = Math.max(modified, status.getModificationTime());
        }
        return statuses.size() + " files, " + bytes + " bytes, last modified " + Instant.ofEpochMilli(modified);
    }
}
