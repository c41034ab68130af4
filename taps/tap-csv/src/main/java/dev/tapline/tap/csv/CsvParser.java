package dev.tapline.tap.csv;

import dev.tapline.spec.TaplineException;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.util.Arrays;

/**
 * Reads RFC 4180 rows from characters: fields split by a delimiter, optionally quoted; a quote
 * inside a quoted field is doubled; quoted fields may hold delimiters and line breaks; rows end
 * with LF, CRLF or CR. A byte-order mark at the start is skipped. Blank lines are skipped. Text
 * outside quotes is taken as it is (a quote in the middle of an unquoted field is kept).
 *
 * <p>Works on a char buffer and builds one {@code String} per field; a row that runs past the
 * buffer is parsed again after the buffer is refilled (rare: once per buffer). Not thread-safe.
 */
final class CsvParser implements Closeable, RowReader {

  private final Reader reader;
  private final String source;
  private final char delimiter;
  private final char quote;
  private char[] buffer = new char[1 << 16];
  private int position;
  private int limit;
  private boolean endOfInput;
  private long line = 1;
  private long rowLine;
  private String[] fields = new String[16];
  private int count;
  private final StringBuilder unescaped = new StringBuilder();

  CsvParser(Reader reader, String source, char delimiter, char quote) {
    this.reader = reader;
    this.source = source;
    this.delimiter = delimiter;
    this.quote = quote;
  }

  /** The physical line (1-based) where the last row returned by {@link #next()} started. */
  @Override
  public long rowLine() {
    return rowLine;
  }

  /** The fields of the next row, or null at the end of the input. */
  @Override
  public String[] next() throws IOException {
    return advance() ? Arrays.copyOf(fields, count) : null;
  }

  /** The number of fields of the current row (after {@link #advance()} returned true). */
  @Override
  public int fieldCount() {
    return count;
  }

  /** Field {@code index} of the current row; valid until the next {@link #advance()}. */
  String field(int index) {
    return fields[index];
  }

  /** Same as {@link #field(int)}, the name {@link ByteCsvParser} uses. */
  @Override
  public String text(int index) {
    return fields[index];
  }

  /** Moves to the next row; false at the end of the input. */
  @Override
  public boolean advance() throws IOException {
    if (line == 1 && position == 0 && limit == 0) {
      fill();
      if (limit > 0 && buffer[0] == '\uFEFF') {
        position = 1;
      }
    }
    while (true) {
      if (position >= limit) {
        if (endOfInput || !fill()) {
          return false;
        }
      }
      int outcome = parseRow();
      if (outcome > 0) {
        return true;
      }
      if (outcome == 0) {
        continue; // a blank line
      }
      if (!fill()) {
        endOfInput = true;
      }
    }
  }

  /** Moves the unparsed rest to the start of the buffer and reads more; false at the end. */
  private boolean fill() throws IOException {
    if (endOfInput) {
      return false;
    }
    if (position > 0) {
      System.arraycopy(buffer, position, buffer, 0, limit - position);
      limit -= position;
      position = 0;
    }
    if (limit == buffer.length) {
      buffer = Arrays.copyOf(buffer, buffer.length * 2);
    }
    int read = reader.read(buffer, limit, buffer.length - limit);
    if (read < 0) {
      endOfInput = true;
      return false;
    }
    limit += read;
    return true;
  }

  /** 1: a row was parsed; 0: a blank line was skipped; -1: more input is needed. */
  private int parseRow() {
    final char[] chars = buffer;
    final int end = limit;
    final boolean last = endOfInput;
    int i = position;
    long lines = 0;
    count = 0;
    char first = chars[i];
    if (first == '\n' || first == '\r') {
      int next = i + 1;
      if (first == '\r') {
        if (next == end && !last) return -1;
        if (next < end && chars[next] == '\n') next++;
      }
      position = next;
      line++;
      return 0;
    }
    while (true) {
      if (i < end && chars[i] == quote) {
        int start = ++i;
        boolean escaped = false;
        while (true) {
          if (i >= end) {
            if (last) {
              throw new TaplineException(source + " line " + line
                  + ": a row has a quoted field that is not closed before the end of the file."
                  + " Check the quotes.");
            }
            return -1;
          }
          char c = chars[i];
          if (c == quote) {
            if (i + 1 < end && chars[i + 1] == quote) {
              escaped = true;
              i += 2;
              continue;
            }
            if (i + 1 >= end && !last) {
              return -1;
            }
            break;
          }
          if (c == '\n') {
            lines++;
          } else if (c == '\r' && !(i + 1 < end && chars[i + 1] == '\n')) {
            lines++;
          }
          i++;
        }
        String value = escaped ? unescape(chars, start, i) : new String(chars, start, i - start);
        i++; // the closing quote
        int afterQuote = i;
        while (i < end && chars[i] != delimiter && chars[i] != '\n' && chars[i] != '\r') {
          i++;
        }
        if (i > afterQuote) {
          value = value + new String(chars, afterQuote, i - afterQuote);
        }
        add(value);
      } else {
        int start = i;
        while (i < end) {
          char c = chars[i];
          if (c == delimiter || c == '\n' || c == '\r') {
            break;
          }
          i++;
        }
        add(start == i ? "" : new String(chars, start, i - start));
      }
      if (i >= end) {
        if (!last) {
          return -1;
        }
        position = end;
        rowLine = line;
        line += lines + 1;
        return 1;
      }
      char c = chars[i];
      if (c == delimiter) {
        i++;
        if (i >= end && !last) {
          return -1;
        }
        if (i >= end) {
          add("");
          position = end;
          rowLine = line;
          line += lines + 1;
          return 1;
        }
        continue;
      }
      // the end of the row
      if (c == '\r') {
        if (i + 1 >= end && !last) {
          return -1;
        }
        i++;
        if (i < end && chars[i] == '\n') {
          i++;
        }
      } else {
        i++;
      }
      position = i;
      rowLine = line;
      line += lines + 1;
      return 1;
    }
  }

  private String unescape(char[] chars, int start, int end) {
    unescaped.setLength(0);
    for (int i = start; i < end; i++) {
      char c = chars[i];
      unescaped.append(c);
      if (c == quote) {
        i++; // skip the second quote of a pair
      }
    }
    return unescaped.toString();
  }

  private void add(String value) {
    if (count == fields.length) {
      fields = Arrays.copyOf(fields, count * 2);
    }
    fields[count++] = value;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
