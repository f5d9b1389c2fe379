package org.sparkbackprop.spark;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbackprop.files.DriverFiles;
import org.sparkbackprop.testing.LocalSpark;

/**
 * The driver's files follow what the application set on {@code sparkContext.hadoopConfiguration}
 * after Spark started (here a file system registered for a scheme of its own, as s3a credentials
 * would be set), not a configuration frozen from the system properties.
 */
class HadoopConfigurationOfSparkTest {
    /** The local file system under a scheme of its own, which only a configuration naming it knows. */
    public static final class OwnSchemeFileSystem extends RawLocalFileSystem {
        @Override
        public URI getUri() {
            return URI.create("sbtest:///");
        }

        @Override
        public String getScheme() {
            return "sbtest";
        }
    }

    @Test
    void driverFilesSeeWhatTheApplicationSetOnItsHadoopConfiguration(@TempDir Path folder) throws IOException {
        Path model = Files.writeString(folder.resolve("model.json"), "{}");
        String onOwnScheme = "sbtest://" + model.toAbsolutePath();
        var configuration = LocalSpark.context().hadoopConfiguration();
        configuration.set("fs.sbtest.impl", OwnSchemeFileSystem.class.getName());
        configuration.setBoolean("fs.sbtest.impl.disable.cache", true);
        try {
            DriverFiles.follow(() -> null);
            assertFalse(DriverFiles.exists(onOwnScheme), "the configuration of the system properties knows no such scheme");
            HadoopConfigurationOfSpark.follow();
            assertTrue(DriverFiles.exists(onOwnScheme), "the running application's configuration knows it");
        } finally {
            HadoopConfigurationOfSpark.follow();
            configuration.unset("fs.sbtest.impl");
        }
    }
}
