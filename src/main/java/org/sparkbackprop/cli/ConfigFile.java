package org.sparkbackprop.cli;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.TreeSet;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.files.DriverFiles;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --config FILE}: a properties file whose keys are a command's option names without
 * the dashes ({@code batch-size=64}). Its values are the command's defaults, so the command
 * line wins. A key that names no option of the command is an error, not a silent typo.
 */
final class ConfigFile {
    static final String OPTION = "--config";

    private ConfigFile() {
    }

    /** Finds {@code --config} in {@code args} and installs the file's values as defaults of the command it follows. */
    static void apply(CommandLine root, String[] args) {
        String path = null;
        CommandLine command = null;
        for (int i = 0; i < args.length; i++) {
            if (command == null && root.getSubcommands().containsKey(args[i])) {
                command = root.getSubcommands().get(args[i]);
            } else if (args[i].equals(OPTION) && i + 1 < args.length) {
                path = args[i + 1];
            } else if (args[i].startsWith(OPTION + "=")) {
                path = args[i].substring(OPTION.length() + 1);
            }
        }
        if (path == null || command == null) {
            return;
        }
        Properties properties = read(path);
        TreeSet<String> unknown = new TreeSet<>();
        for (String key : properties.stringPropertyNames()) {
            OptionSpec option = command.getCommandSpec().findOption("--" + key);
            if (option == null || key.equals("config") || !option.longestName().equals("--" + key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new BadInputException(path + ": " + String.join(", ", unknown)
                    + (unknown.size() == 1 ? " is not a setting" : " are not settings") + " of '"
                    + command.getCommandName() + "' (keys are option names without the dashes, e.g. batch-size)");
        }
        command.setDefaultValueProvider(new CommandLine.PropertiesDefaultProvider(properties));
    }

    /** Reads the file at {@code path}: a local path, a file shipped with --files, or any Hadoop file system's URI. */
    private static Properties read(String path) {
        Properties properties = new Properties();
        try (Reader reader = new InputStreamReader(DriverFiles.open(path, "config file"), StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new BadInputException(path + ": cannot read config file (" + e.getMessage() + ")");
        }
        for (String key : properties.stringPropertyNames()) {
            properties.setProperty(key, properties.getProperty(key).trim());
        }
        return properties;
    }
}
