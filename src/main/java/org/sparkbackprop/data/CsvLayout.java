package org.sparkbackprop.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sparkbackprop.common.BadInputException;

/**
 * Which CSV columns are what, resolved once on the driver from the header (or the column count)
 * and the options, then used by every executor to parse its lines. Labels come from one column
 * holding a class index, or several separated by ';' for multi-label rows ({@code 2;7}), or from
 * one 0/1 column per class. Every other column, or the chosen ones, are numeric features.
 */
public final class CsvLayout implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String[] columns;
    private final String header;
    private final int labelColumn;
    private final int[] labelColumns;
    private final int[] featureColumns;
    private final double featureScale;
    private final int idColumn;

    private CsvLayout(String[] columns, String header, int labelColumn, int[] labelColumns, int[] featureColumns,
                      double featureScale, int idColumn) {
        this.columns = columns;
        this.header = header;
        this.labelColumn = labelColumn;
        this.labelColumns = labelColumns;
        this.featureColumns = featureColumns;
        this.featureScale = featureScale;
        this.idColumn = idColumn;
    }

    /**
     * Resolves the layout. {@code firstLine} is the header when {@code hasHeader}, otherwise a
     * data line that gives the column count (columns are then named c0, c1, ...).
     * {@code labelCol} null means the column {@code label}, or the first column;
     * {@code labelCols} and {@code featureCols} may be null.
     */
    public static CsvLayout resolve(String source, String firstLine, boolean hasHeader, String labelCol,
                                    List<String> labelCols, List<String> featureCols, double featureScale) {
        return resolve(source, firstLine, hasHeader, labelCol, labelCols, featureCols, featureScale, true, null);
    }

    /**
     * As above; when {@code labelsRequired} is false (data to predict) and no label column is
     * named or called {@code label}, the rows have no labels. {@code idCol}, when given, is
     * carried through and is not a feature.
     */
    public static CsvLayout resolve(String source, String firstLine, boolean hasHeader, String labelCol,
                                    List<String> labelCols, List<String> featureCols, double featureScale,
                                    boolean labelsRequired, String idCol) {
        String[] cells = split(firstLine);
        String[] names = new String[cells.length];
        for (int c = 0; c < cells.length; c++) {
            names[c] = hasHeader ? cells[c].trim() : "c" + c;
        }
        List<String> nameList = Arrays.asList(names);
        int labelColumn = -1;
        int[] labelColumns = null;
        if (labelCols != null && !labelCols.isEmpty()) {
            if (labelCol != null) {
                throw new BadInputException("label-col and label-cols: choose one way to give labels");
            }
            labelColumns = labelCols.stream().mapToInt(name -> column(source, nameList, name, "label-cols")).toArray();
        } else if (labelCol != null) {
            labelColumn = column(source, nameList, labelCol, "label-col");
        } else if (nameList.contains("label")) {
            labelColumn = nameList.indexOf("label");
        } else if (labelsRequired) {
            labelColumn = 0;
        }
        int idColumn = idCol == null ? -1 : column(source, nameList, idCol, "id-col");
        int[] featureColumns;
        if (featureCols != null && !featureCols.isEmpty()) {
            featureColumns = featureCols.stream().mapToInt(name -> column(source, nameList, name, "feature-cols")).toArray();
        } else {
            List<Integer> rest = new ArrayList<>();
            for (int c = 0; c < names.length; c++) {
                int column = c;
                boolean isLabel = c == labelColumn || (labelColumns != null && Arrays.stream(labelColumns).anyMatch(l -> l == column));
                if (!isLabel && c != idColumn) {
                    rest.add(c);
                }
            }
            featureColumns = rest.stream().mapToInt(Integer::intValue).toArray();
        }
        if (featureColumns.length == 0) {
            throw new BadInputException(source + ": no feature columns besides the label");
        }
        if (!(featureScale > 0) || !Double.isFinite(featureScale)) {
            throw new BadInputException("feature-scale must be a positive number, got " + featureScale);
        }
        return new CsvLayout(names, hasHeader ? firstLine : null, labelColumn, labelColumns, featureColumns,
                featureScale, idColumn);
    }

    private static int column(String source, List<String> names, String name, String option) {
        int index = names.indexOf(name.trim());
        if (index < 0) {
            throw new BadInputException(option + ": " + source + " has no column '" + name + "' (columns: "
                    + String.join(",", names.subList(0, Math.min(names.size(), 8)))
                    + (names.size() > 8 ? ",..." : "") + ")");
        }
        return index;
    }

    public int featureCount() {
        return featureColumns.length;
    }

    /** True for multi-label data given as 0/1 columns, whose class count is their number. */
    public int labelColumnCount() {
        return labelColumns == null ? 0 : labelColumns.length;
    }

    /** True when {@code line} is the header line again (every file of the input starts with one). */
    public boolean isHeader(String line) {
        return header != null && header.equals(line);
    }

    /** Parses one data line; {@code where} names the file and row for errors; {@code classes} bounds labels (0: unchecked). */
    public ParsedExample parse(String line, String where, int classes) {
        String[] cells = split(line);
        if (cells.length != columns.length) {
            throw new BadInputException(where + ": " + cells.length + " columns, expected " + columns.length);
        }
        float[] features = new float[featureColumns.length];
        for (int i = 0; i < featureColumns.length; i++) {
            int c = featureColumns[i];
            features[i] = Cells.feature(cells[c], featureScale, where, "column " + columns[c]);
        }
        int[] labels;
        if (labelColumns != null) {
            labels = multiHot(cells, where, classes);
        } else if (labelColumn < 0) {
            labels = new int[0];
        } else {
            String[] parts = cells[labelColumn].split(";", -1);
            labels = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                labels[i] = Cells.label(parts[i], classes, where);
            }
        }
        return new ParsedExample(features, labels, idColumn < 0 ? null : cells[idColumn]);
    }

    private int[] multiHot(String[] cells, String where, int classes) {
        if (classes > 0 && labelColumns.length != classes) {
            throw new BadInputException("label-cols: " + labelColumns.length + " label columns but the last layer has "
                    + classes + " classes");
        }
        int[] found = new int[labelColumns.length];
        int count = 0;
        for (int k = 0; k < labelColumns.length; k++) {
            String cell = cells[labelColumns[k]].trim();
            if (cell.equals("1") || cell.equals("1.0")) {
                found[count++] = k;
            } else if (!cell.equals("0") && !cell.equals("0.0")) {
                throw new BadInputException(where + ": label column " + columns[labelColumns[k]] + " holds '" + cell
                        + "', expected 0 or 1");
            }
        }
        return Arrays.copyOf(found, count);
    }

    /** Splits a CSV line at commas outside double quotes; quotes are removed, "" inside quotes is one quote. */
    static String[] split(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells.toArray(String[]::new);
    }
}
