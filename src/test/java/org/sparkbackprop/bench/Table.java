package org.sparkbackprop.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The benchmark's output: a header, then one row per figure with its goal and verdict, and notes under it. */
final class Table {
    private record Row(String name, String measured, String goal, String verdict, List<String> notes) {
    }

    private final List<String> header = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();

    void header(String line) {
        header.add(line);
        System.out.println(line);
    }

    /** A row with a goal; {@code met} decides "met" or "short". Printed at once too, so a long run shows progress. */
    void row(String name, String measured, String goal, boolean met, List<String> notes) {
        add(new Row(name, measured, goal, met ? "met" : "short", notes));
    }

    /** A row that only reports. */
    void info(String name, String measured, List<String> notes) {
        add(new Row(name, measured, "-", "info", notes));
    }

    private void add(Row row) {
        rows.add(row);
        System.out.println(format(row));
        row.notes().forEach(note -> System.out.println("    " + note));
    }

    void print(PrintStream out) {
        out.println();
        header.forEach(out::println);
        out.println(String.format(Locale.ROOT, "%-20s %-34s %-12s %s", "figure", "measured", "goal", "verdict"));
        for (Row row : rows) {
            out.println(format(row));
            row.notes().forEach(note -> out.println("    " + note));
        }
    }

    private static String format(Row row) {
        return String.format(Locale.ROOT, "%-20s %-34s %-12s %s", row.name(), row.measured(), row.goal(), row.verdict());
    }

    static String f(String format, Object... values) {
        return String.format(Locale.ROOT, format, values);
    }
}
