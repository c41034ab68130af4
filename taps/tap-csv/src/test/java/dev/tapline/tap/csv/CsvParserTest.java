package dev.tapline.tap.csv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapline.spec.TaplineException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
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

  private static void assertRows(String text, String[]... expected) throws IOException {
    for (Reader reader : new Reader[] {new StringReader(text), new TrickleReader(text)}) {
      List<String[]> rows = parseAll(reader, ',', '"');
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
    List<String[]> rows = parseAll(new StringReader("a\t'b\tc'\t'it''s'\n"), '\t', '\'');
    assertArrayEquals(new String[] {"a", "b\tc", "it's"}, rows.get(0));
  }

  @Test
  void anUnclosedQuoteIsAnErrorNamingTheLine() {
    TaplineException error = assertThrows(TaplineException.class,
        () -> parseAll(new StringReader("a,b\n1,\"open\n"), ',', '"'));
    assertTrue(error.getMessage().contains("test.csv line 2"), error.getMessage());
  }

  @Test
  void rowsLongerThanTheBufferAreRead() throws IOException {
    String longValue = "x".repeat(200_000);
    List<String[]> rows = parseAll(new StringReader("a,b\n" + longValue + ",\"" + longValue + "\"\n"), ',', '"');
    assertEquals(longValue, rows.get(1)[0]);
    assertEquals(longValue, rows.get(1)[1]);
  }
}
