package org.sparkbackprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What the README and the pages under src/site/markdown quote holds: the README stays one short
 * read, every relative link reaches a file and, with an anchor, a heading of it, and every
 * command the docs show ({@code submit/*.sh COMMAND --option ...}) names a command and options
 * that the command line knows.
 */
class DocumentationTest {
    private static final Path README = Path.of("README.md");
    private static final Path PAGES = Path.of("src/site/markdown");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern COMMAND = Pattern.compile("submit/(?:local|standalone|yarn|k8s)\\.sh\\s+([a-z]+)((?:\\s+[^\\s#|`]+)*)");
    private static final Pattern OPTION = Pattern.compile("^--[a-z][a-z0-9-]*");

    private static List<Path> documents() throws IOException {
        List<Path> documents = new ArrayList<>(List.of(README));
        try (Stream<Path> pages = Files.list(PAGES)) {
            pages.filter(page -> page.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        return documents;
    }

    @Test
    void theReadmeIsOneShortRead() throws IOException {
        long lines = Files.readAllLines(README).size();
        assertTrue(lines <= 300, "README.md has " + lines + " lines");
    }

    @Test
    void everyRelativeLinkReachesAFileAndItsHeading() throws IOException {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path document : documents()) {
            Matcher link = LINK.matcher(Files.readString(document));
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue;
                }
                checked++;
                int hash = target.indexOf('#');
                Path file = hash == 0 ? document : document.resolveSibling(hash < 0 ? target : target.substring(0, hash));
                if (!Files.exists(file)) {
                    broken.add(document + ": " + target + " (no such file)");
                } else if (hash >= 0 && !anchors(file).contains(target.substring(hash + 1))) {
                    broken.add(document + ": " + target + " (no such heading)");
                }
            }
        }
        assertEquals(List.of(), broken);
        assertTrue(checked > 20, "only " + checked + " links were checked");
    }

    /** GitHub's anchors of the headings of {@code file}: lower case, punctuation dropped, spaces as dashes. */
    private static List<String> anchors(Path file) throws IOException {
        List<String> anchors = new ArrayList<>();
        boolean code = false;
        for (String line : Files.readAllLines(file)) {
            code ^= line.startsWith("```");
            if (!code && line.matches("^#{1,6} .*")) {
                anchors.add(line.replaceFirst("^#+ ", "").strip().toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N}_\\- ]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }

    @Test
    void everyCommandTheDocsShowIsOneTheCommandLineKnows() throws IOException {
        CommandLine main = new CommandLine(new Main());
        List<String> unknown = new ArrayList<>();
        int checked = 0;
        for (Path document : documents()) {
            for (String line : Files.readAllLines(document)) {
                Matcher command = COMMAND.matcher(line);
                while (command.find()) {
                    CommandLine sub = main.getSubcommands().get(command.group(1));
                    if (sub == null) {
                        if (!command.group(1).matches("start|stop|status")) {
                            unknown.add(document + ": command " + command.group(1));
                        }
                        continue;
                    }
                    checked++;
                    for (String word : command.group(2).trim().split("\\s+")) {
                        Matcher option = OPTION.matcher(word);
                        if (option.find() && sub.getCommandSpec().findOption(option.group()) == null
                                && main.getCommandSpec().findOption(option.group()) == null) {
                            unknown.add(document + ": " + command.group(1) + " " + option.group());
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), unknown);
        assertTrue(checked > 10, "only " + checked + " commands were checked");
    }
}
