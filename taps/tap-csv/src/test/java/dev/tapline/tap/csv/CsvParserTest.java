package dev.tapline.tap.csv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapline.spec.TaplineException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvParserTest {

  /** Hands out one character per read, so every row crosses a buffer refill. */
  private static final class TrickleReader extends Reader {
    private final String text;
    private int position;

    TrickleReader(String text) {
      this.text = text;
    }

    @Override
    public int read(char[] buffer, int offset, int length) {
      if (position == text.length()) {
        return -1;
      }
      buffer[offset] = text.charAt(position++);
      return 1;
    }

    @Override
    public void close() {}
  }

  private static List<String[]> parseAll(Reader reader, char delimiter, char quote) throws IOException {
    List<String[]> rows = new ArrayList<>();
    try (CsvParser parser = new CsvParser(reader, "test.csv", delimiter, quote)) {
      String[] row;
      while ((row = parser.next()) != null) {
        rows.add(row);
      }
    }
    return rows;
  }

  /** Hands out one byte per read. */
  private static final class TrickleStream extends InputStream {
    private final byte[] bytes;
    private int position;

    TrickleStream(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public int read() {
      return position == bytes.length ? -1 : bytes[position++] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (position == bytes.length) {
        return -1;
      }
      buffer[offset] = bytes[position++];
      return 1;
    }
  }

  private static List<String[]> parseBytes(InputStream in, char delimiter, char quote) throws IOException {
    List<String[]> rows = new ArrayList<>();
    try (ByteCsvParser parser = new ByteCsvParser(in, "test.csv", StandardCharsets.UTF_8, delimiter, quote)) {
      String[] row;
      while ((row = parser.next()) != null) {
        rows.add(row);
      }
    }
    return rows;
  }

  /** Parses with both parsers, each reading all at once and one unit at a time. */
  private static List<List<String[]>> everyWay(String text, char delimiter, char quote) throws IOException {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    return List.of(
        parseAll(new StringReader(text), delimiter, quote),
        parseAll(new TrickleReader(text), delimiter, quote),
        parseBytes(new ByteArrayInputStream(utf8), delimiter, quote),
        parseBytes(new TrickleStream(utf8), delimiter, quote));
  }

  private static void assertRows(String text, String[]... expected) throws IOException {
    for (List<String[]> rows : everyWay(text, ',', '"')) {
      assertEquals(expected.length, rows.size(), "rows of " + text);
      for (int i = 0; i < expected.length; i++) {
        assertArrayEquals(expected[i], rows.get(i), "row " + i + " of " + text);
      }
    }
  }

  @Test
  void plainRowsWithEveryLineEnd() throws IOException {
    assertRows("a,b\n1,2\r\n3,4\r5,6", new String[] {"a", "b"}, new String[] {"1", "2"},
        new String[] {"3", "4"}, new String[] {"5", "6"});
  }

  @Test
  void quotedFieldsHoldDelimitersQuotesAndLineBreaks() throws IOException {
    assertRows("\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\n\"\",end\n",
        new String[] {"x, y", "say \"hi\"", "two\r\nlines"}, new String[] {"", "end"});
  }

  @Test
  void emptyFieldsBlankLinesAndAByteOrderMark() throws IOException {
    assertRows("\uFEFFa,,c\n\n\r\n,\n1,2,\n", new String[] {"a", "", "c"}, new String[] {"", ""},
        new String[] {"1", "2", ""});
  }

  @Test
  void lineNumbersCountLineBreaksInsideQuotes() throws IOException {
    try (CsvParser parser = new CsvParser(new StringReader("h\n\"a\nb\"\nc\n"), "t", ',', '"')) {
      parser.next();
      parser.next();
      assertEquals(2, parser.rowLine());
      parser.next();
      assertEquals(4, parser.rowLine());
      assertNull(parser.next());
    }
  }

  @Test
  void otherDelimiterAndQuote() throws IOException {
    for (List<String[]> rows : everyWay("a\t'b\tc'\t'it''s'\n", '\t', '\'')) {
      assertArrayEquals(new String[] {"a", "b\tc", "it's"}, rows.get(0));
    }
  }

  @Test
  void multiByteCharactersSurviveEveryBufferBoundary() throws IOException {
    assertRows("name,city\nZoë,\"Zürich, 東京\"\n", new String[] {"name", "city"},
        new String[] {"Zoë", "Zürich, 東京"});
  }

  @Test
  void bytesFlagTextThatNeedsNoEscaping() throws IOException {
    byte[] utf8 = "plain,\"with \"\"quote\"\"\",tab\there,caf\u00e9\n".getBytes(StandardCharsets.UTF_8);
    try (ByteCsvParser parser = new ByteCsvParser(new ByteArrayInputStream(utf8), "t", StandardCharsets.UTF_8, ',', '"')) {
      assertTrue(parser.advance());
      assertEquals(0, parser.flags(0));
      assertEquals("with \"quote\"", parser.text(1));
      assertTrue((parser.flags(1) & ByteCsvParser.SPECIAL) != 0);
      assertTrue((parser.flags(2) & ByteCsvParser.ESCAPE) != 0);
      assertTrue((parser.flags(3) & ByteCsvParser.HIGH) != 0);
      assertEquals("café", parser.text(3));
    }
  }

  @Test
  void anUnclosedQuoteIsAnErrorNamingTheLine() {
    TaplineException error = assertThrows(TaplineException.class,
        () -> parseAll(new StringReader("a,b\n1,\"open\n"), ',', '"'));
    assertTrue(error.getMessage().contains("test.csv line 2"), error.getMessage());
    TaplineException byteError = assertThrows(TaplineException.class,
        () -> parseBytes(new ByteArrayInputStream("a,b\n1,\"open\n".getBytes(StandardCharsets.UTF_8)), ',', '"'));
    assertTrue(byteError.getMessage().contains("test.csv line 2"), byteError.getMessage());
  }

  @Test
  void rowsLongerThanTheBufferAreRead() throws IOException {
    String longValue = "x".repeat(200_000);
    String text = "a,b\n" + longValue + ",\"" + longValue + "\"\n";
    for (List<String[]> rows : List.of(parseAll(new StringReader(text), ',', '"'),
        parseBytes(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), ',', '"'))) {
      assertEquals(longValue, rows.get(1)[0]);
      assertEquals(longValue, rows.get(1)[1]);
    }
  }

  /** Generated files (seeded) written as RFC 4180 says, read back by both parsers every way. */
  @Test
  void generatedFilesReadBackAsWritten() throws IOException {
    String[] pieces = {"", "a", "plain", " spaced ", ",", "\"", "\"\"", "\n", "\r\n", "\r", ";", "caf\u00e9",
        "\uD83D\uDE80", "\u4e2d", "1.50", "-0", "x,y", "line\nbreak", "tab\t"};
    String[] lineEnds = {"\n", "\r\n"};
    java.util.Random random = new java.util.Random(2026_11_21);
    for (int file = 0; file < 300; file++) {
      char delimiter = random.nextInt(4) == 0 ? ';' : ',';
      int columns = 1 + random.nextInt(5);
      List<String[]> rows = new ArrayList<>();
      StringBuilder text = new StringBuilder();
      int count = 1 + random.nextInt(12);
      String lineEnd = lineEnds[random.nextInt(lineEnds.length)];
      for (int r = 0; r < count; r++) {
        String[] row = new String[columns];
        for (int c = 0; c < columns; c++) {
          StringBuilder value = new StringBuilder();
          for (int p = random.nextInt(3); p > 0; p--) {
            value.append(pieces[random.nextInt(pieces.length)]);
          }
          row[c] = value.toString();
          if (c > 0) {
            text.append(delimiter);
          }
          boolean special = row[c].indexOf(delimiter) >= 0 || row[c].contains("\"") || row[c].contains("\n")
              || row[c].contains("\r");
          // a row of one empty field is written quoted: unquoted it would be a blank line, which is skipped
          if (special || random.nextInt(5) == 0 || (columns == 1 && row[c].isEmpty())) {
            text.append('"').append(row[c].replace("\"", "\"\"")).append('"');
          } else {
            text.append(row[c]);
          }
        }
        rows.add(row);
        if (r < count - 1 || random.nextBoolean()) {
          text.append(lineEnd);
        }
      }
      String csv = text.toString();
      for (List<String[]> read : everyWay(csv, delimiter, '"')) {
        assertEquals(rows.size(), read.size(), () -> "rows of file " + csv);
        for (int r = 0; r < rows.size(); r++) {
          assertArrayEquals(rows.get(r), read.get(r), "row " + r + " of " + csv);
        }
      }
    }
  }
}
