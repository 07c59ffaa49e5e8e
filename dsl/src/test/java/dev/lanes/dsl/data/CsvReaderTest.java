package dev.lanes.dsl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV files: labels anywhere, headers, delimiters, gzip; bad cells named by line and column. */
class CsvReaderTest {
  @TempDir
  Path dir;

  private Path csv(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }

  private static void bad(Path file, CsvReader reader, String place, String problem) {
    DataFormatException e = assertThrows(DataFormatException.class, () -> reader.read(file));
    assertEquals(place, e.place(), e.getMessage());
    assertEquals(file + ": " + place + ": " + problem, e.getMessage());
  }

  @Test
  void labelInTheLastColumnWithClassesInferred() throws IOException {
    Dataset d = CsvReader.labelColumn(-1).read(csv("d.csv", "0.5,1,2\n-3,4e-2,0\n7,8,1\n"));
    assertEquals(3, d.size());
    assertEquals(Shape.of(2), d.sampleShape());
    assertEquals(3, d.numClasses(), "largest label plus one");
    assertArrayEquals(new int[] {2, 0, 1}, d.labels());
    assertArrayEquals(new float[] {0.5f, 1, -3, 0.04f, 7, 8}, d.features().toArray());
  }

  @Test
  void headerDelimiterQuotesBlankLinesCrlfAndBom() throws IOException {
    Path file = csv("h.csv", "\uFEFFlabel; a ; b\r\n\r\n\"1\"; 2.5 ;\"3\"\r\n   \r\n0;4;5\r\n");
    Dataset d = CsvReader.labelColumn(0).header(true).delimiter(';').numClasses(4).read(file);
    assertEquals(4, d.numClasses());
    assertArrayEquals(new int[] {1, 0}, d.labels());
    assertArrayEquals(new float[] {2.5f, 3, 4, 5}, d.features().toArray());
  }

  @Test
  void gzippedWithWholeNumberLabelsWrittenAsFloats() throws IOException {
    byte[] gz = IdxFiles.gzip("1,2,3.0\n4,5,1.0\n".getBytes(StandardCharsets.UTF_8));
    Path file = Files.write(dir.resolve("digits.csv.gz"), gz);
    Dataset d = CsvReader.labelColumn(2).read(file);
    assertArrayEquals(new int[] {3, 1}, d.labels());
    assertEquals(4, d.numClasses());
  }

  @Test
  void gzippedStreamIsReadLikeAFileAndNamedInMessages() throws IOException {
    byte[] gz = IdxFiles.gzip("1,2,3\n4,5,1\n".getBytes(StandardCharsets.UTF_8));
    Dataset d = CsvReader.labelColumn(-1).read(new java.io.ByteArrayInputStream(gz), "res.csv.gz");
    assertEquals(2, d.size());
    assertEquals(3, d.label(0));
    byte[] ragged = IdxFiles.gzip("1,2,3\n4,5\n".getBytes(StandardCharsets.UTF_8));
    DataFormatException e = assertThrows(DataFormatException.class, () -> CsvReader
        .labelColumn(-1).read(new java.io.ByteArrayInputStream(ragged), "res.csv.gz"));
    assertTrue(e.getMessage().contains("res.csv.gz") && e.getMessage().contains("line 2"),
        e.getMessage());
  }

  @Test
  void raggedRows() throws IOException {
    Path file = csv("r.csv", "1,2,3\n4,5,6\n7,8\n");
    bad(file, CsvReader.labelColumn(-1), "line 3", "the row has 2 columns, but the first has 3");
    Path extra = csv("e.csv", "a,b,y\n1,2,0,\n");
    bad(extra, CsvReader.labelColumn(-1).header(true), "line 2",
        "the row has 4 columns, but the first has 3");
  }

  @Test
  void nonNumericEmptyAndNonFiniteCells() throws IOException {
    bad(csv("n.csv", "1,2,0\n3,abc,1\n"), CsvReader.labelColumn(-1), "line 2, column 2",
        "'abc' is not a number");
    bad(csv("e.csv", "1,,0\n"), CsvReader.labelColumn(-1), "line 1, column 2",
        "the empty cell is not a number");
    bad(csv("nan.csv", "1,2,0\n\n1,NaN,0\n"), CsvReader.labelColumn(-1), "line 3, column 2",
        "'NaN' is not a finite number (NaN)");
    bad(csv("inf.csv", "-Infinity,2,0\n"), CsvReader.labelColumn(-1), "line 1, column 1",
        "'-Infinity' is not a finite number (-Infinity)");
    bad(csv("big.csv", "1e39,2,0\n"), CsvReader.labelColumn(-1), "line 1, column 1",
        "'1e39' is not a finite number (Infinity)");
  }

  @Test
  void badLabels() throws IOException {
    bad(csv("a.csv", "1,2,x\n"), CsvReader.labelColumn(2), "line 1, column 3",
        "the label 'x' is not a number");
    bad(csv("b.csv", "1,2,2.5\n"), CsvReader.labelColumn(2), "line 1, column 3",
        "the label '2.5' is not a whole number >= 0");
    bad(csv("c.csv", "1,2,-1\n"), CsvReader.labelColumn(2), "line 1, column 3",
        "the label '-1' is not a whole number >= 0");
    bad(csv("d.csv", "1,2,3\n1,2,10\n"), CsvReader.labelColumn(2).numClasses(10),
        "line 2, column 3", "the label 10 is outside [0, 10)");
    bad(csv("e.csv", "1,2,NaN\n"), CsvReader.labelColumn(2), "line 1, column 3",
        "the label 'NaN' is not a whole number >= 0");
  }

  @Test
  void badShapesOfTheFile() throws IOException {
    bad(csv("col.csv", "1,2,3\n"), CsvReader.labelColumn(5), "line 1",
        "the label column 5 is outside the 3 columns");
    bad(csv("one.csv", "1\n2\n"), CsvReader.labelColumn(0), "line 1",
        "a row needs a label and at least one feature, this one has 1 column (is the"
            + " delimiter ',' right?)");
    bad(csv("empty.csv", ""), CsvReader.labelColumn(0), "line 0", "the file has no data rows");
    bad(csv("header.csv", "a,b\n\n"), CsvReader.labelColumn(0).header(true), "line 2",
        "the file has no data rows");
  }

  @Test
  void invalidUtf8() throws IOException {
    Path file = Files.write(dir.resolve("latin1.csv"), new byte[] {'1', ',', '2', '\n',
        '3', ',', (byte) 0xE9, '\n'});
    bad(file, CsvReader.labelColumn(0), "line 2", "the text is not valid UTF-8 (at character 3)");
  }

  @Test
  void badOptions() {
    assertThrows(IllegalArgumentException.class, () -> CsvReader.labelColumn(0).delimiter('.'));
    assertThrows(IllegalArgumentException.class, () -> CsvReader.labelColumn(0).numClasses(-1));
  }
}
