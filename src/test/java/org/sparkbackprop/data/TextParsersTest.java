package org.sparkbackprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkbackprop.common.BadInputException;

class TextParsersTest {

    @Test
    void csvWithHeaderLabelColumnAndScale() {
        CsvLayout layout = CsvLayout.resolve("d.csv", "pixel0,label,pixel1", true, null, null, null, 0.5);
        assertEquals(2, layout.featureCount());
        assertTrue(layout.isHeader("pixel0,label,pixel1"));
        ParsedExample example = layout.parse("4, 3 ,10", "d.csv line 2", 10);
        assertArrayEquals(new float[] {2f, 5f}, example.features());
        assertArrayEquals(new int[] {3}, example.labels());
        assertArrayEquals(new int[] {2, 7}, layout.parse("1,2;7,1", "w", 10).labels(), "multi-label cell");
    }

    @Test
    void csvWithoutHeaderTakesTheFirstColumnAndQuotedCells() {
        CsvLayout layout = CsvLayout.resolve("d.csv", "1,0.5,0.25", false, null, null, null, 1);
        assertFalse(layout.isHeader("1,0.5,0.25"));
        ParsedExample example = layout.parse("\"2\",\"0.5\",1e-1", "w", 3);
        assertArrayEquals(new int[] {2}, example.labels());
        assertArrayEquals(new float[] {0.5f, 0.1f}, example.features());
    }

    @Test
    void csvLabelColumnsAndChosenFeatures() {
        CsvLayout layout = CsvLayout.resolve("d.csv", "x,y,z,a,b,c", true, null, List.of("a", "b", "c"), List.of("x", "z"), 1);
        assertEquals(2, layout.featureCount());
        ParsedExample example = layout.parse("1,2,3,0,1,1", "w", 3);
        assertArrayEquals(new float[] {1f, 3f}, example.features());
        assertArrayEquals(new int[] {1, 2}, example.labels());
    }

    @Test
    void csvBadRowsAreNamed() {
        CsvLayout layout = CsvLayout.resolve("d.csv", "label,p0,p1", true, null, null, null, 1);
        assertBad(() -> layout.parse("1,2", "d.csv line 5", 10), "d.csv line 5: 2 columns, expected 3");
        assertBad(() -> layout.parse("1,2,3,4", "d.csv line 5", 10), "d.csv line 5: 4 columns, expected 3");
        assertBad(() -> layout.parse("1,x,3", "d.csv line 6", 10), "d.csv line 6: column p0 holds 'x', expected a number");
        assertBad(() -> layout.parse("1,NaN,3", "d.csv line 7", 10), "d.csv line 7: column p0 is NaN, expected a finite number");
        assertBad(() -> layout.parse("1,2,Infinity", "d.csv line 7", 10), "column p1 is Infinity, expected a finite number");
        assertBad(() -> layout.parse("10,2,3", "d.csv line 8", 10), "d.csv line 8: label 10 is outside [0, 10)");
        assertBad(() -> layout.parse("-1,2,3", "d.csv line 8", 10), "label -1 is outside [0, 10)");
        assertBad(() -> layout.parse("1.5,2,3", "d.csv line 9", 10), "label 1.5 is not a class index");
        // named as the file has them, never as a number cast from them
        assertBad(() -> layout.parse("1e19,2,3", "d.csv line 9", 10),
                "d.csv line 9: label 1e19 is outside [0, 10), the last layer size");
        assertBad(() -> layout.parse("3000000000,2,3", "d.csv line 9", 10),
                "d.csv line 9: label 3000000000 is outside [0, 10), the last layer size");
        assertBad(() -> layout.parse("Infinity,2,3", "d.csv line 9", 10),
                "d.csv line 9: label Infinity is not a class index (an integer in [0, 10))");
        assertBad(() -> layout.parse("-Infinity,2,3", "d.csv line 9", 10), "label -Infinity is not a class index");
        assertBad(() -> layout.parse("1,1e39,3", "d.csv line 10", 10), "d.csv line 10: column p0 is 1e39, beyond"
                + " float32's range (±3.4028235E38) in which examples are kept");
        CsvLayout scaled = CsvLayout.resolve("d.csv", "label,p0,p1", true, null, null, null, 1e10);
        assertBad(() -> scaled.parse("1,1e30,3", "d.csv line 11", 10), "d.csv line 11: column p0 is 1e30 (1.0E40 after"
                + " the feature scale 1.0E10), beyond float32's range (±3.4028235E38) in which examples are kept");
        assertArrayEquals(new float[] {Float.MAX_VALUE, 3f}, layout.parse("1,3.4028235e38,3", "d.csv line 12", 10)
                .features(), "the largest float32 is kept");
        assertBad(() -> CsvLayout.resolve("d.csv", "label,p0", true, "target", null, null, 1),
                "label-col: d.csv has no column 'target'");
    }

    @Test
    void libsvmSingleAndMultiLabel() {
        LibSvmParser parser = new LibSvmParser(5, 1);
        ParsedExample single = parser.parse("3 1:0.5 4:2", "w", 10);
        assertArrayEquals(new int[] {3}, single.labels());
        assertArrayEquals(new float[] {0.5f, 0, 0, 2f, 0}, single.features());
        assertArrayEquals(new int[] {2, 7}, parser.parse("2,7 5:1", "w", 10).labels());
        assertArrayEquals(new int[] {}, parser.parse("1:1 2:1", "w", 10).labels(), "a row with no labels");
        assertEquals(9, LibSvmParser.maxIndex("1 3:1 9:0.5"));
    }

    @Test
    void libsvmBadRowsAreNamed() {
        LibSvmParser parser = new LibSvmParser(5, 1);
        assertBad(() -> parser.parse("1 0:1", "s.svm line 3", 10), "s.svm line 3: feature index 0 is outside [1, 5]");
        assertBad(() -> parser.parse("1 6:1", "s.svm line 3", 10), "feature index 6 is outside [1, 5]");
        assertBad(() -> parser.parse("1 3:1 2:1", "s.svm line 4", 10), "feature index 2 follows 3");
        assertBad(() -> parser.parse("1 2:abc", "s.svm line 4", 10), "feature 2 holds 'abc', expected a number");
        assertBad(() -> parser.parse("1 2:NaN", "s.svm line 4", 10), "feature 2 is NaN, expected a finite number");
        assertBad(() -> parser.parse("12 2:1", "s.svm line 5", 10), "s.svm line 5: label 12 is outside [0, 10)");
        assertBad(() -> parser.parse("1e19 2:1", "s.svm line 5", 10), "s.svm line 5: label 1e19 is outside [0, 10)");
        assertBad(() -> parser.parse("1 2:-1e39", "s.svm line 5", 10), "s.svm line 5: feature 2 is -1e39, beyond"
                + " float32's range");
        assertBad(() -> parser.parse("1 2", "s.svm line 6", 10), "'2' is not index:value");
    }

    private static void assertBad(org.junit.jupiter.api.function.Executable parse, String expected) {
        BadInputException error = assertThrows(BadInputException.class, parse);
        assertTrue(error.getMessage().contains(expected), error.getMessage());
    }
}
