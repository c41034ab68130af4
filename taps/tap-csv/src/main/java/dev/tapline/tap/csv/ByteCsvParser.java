package dev.tapline.tap.csv;

import dev.tapline.spec.TaplineException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The RFC 4180 rules of {@link CsvParser}, over bytes of an ASCII-compatible encoding (UTF-8,
 * US-ASCII, ISO-8859-1, windows-1252), where delimiter, quote and line ends are single bytes that
 * never occur inside a multi-byte character. Fields stay bytes until asked for: each has a start,
 * an end and flags (non-ASCII bytes seen; characters JSON must escape seen), so plain ASCII text can
 * be copied to the output without ever becoming a {@code String}. Not thread-safe.
 */
final class ByteCsvParser implements Closeable, RowReader {

  static final int HIGH = 1;
  static final int ESCAPE = 2;
  /** The field's value is in {@link #special} (doubled quotes or text after the closing quote). */
  static final int SPECIAL = 4;
  private static final int END = 8;

  private final InputStream in;
  private final String source;
  private final Charset charset;
  private final CharsetDecoder decoder;
  private final byte delimiter;
  private final byte quote;
  private final int[] classes = new int[256];
  private byte[] buffer = new byte[1 << 16];
  private int position;
  private int limit;
  private boolean endOfInput;
  private boolean started;
  private long line = 1;
  private long rowLine;
  private int count;
  private int[] starts = new int[16];
  private int[] ends = new int[16];
  private int[] flags = new int[16];
  private String[] special = new String[16];

  ByteCsvParser(InputStream in, String source, Charset charset, char delimiter, char quote) {
    this.in = in;
    this.source = source;
    this.charset = charset;
    this.decoder = charset.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    this.delimiter = (byte) delimiter;
    this.quote = (byte) quote;
    for (int b = 0; b < 256; b++) {
      int kind = 0;
      if (b >= 0x80) kind |= HIGH;
      if (b < 0x20 || b == '"' || b == '\\') kind |= ESCAPE;
      if (b == '\n' || b == '\r' || b == (delimiter & 0xFF)) kind |= END;
      classes[b] = kind;
    }
  }

  /** Whether this parser can read the charset with these separators. */
  static boolean supports(Charset charset, char delimiter, char quote) {
    boolean compatible = charset.equals(StandardCharsets.UTF_8) || charset.equals(StandardCharsets.US_ASCII)
        || charset.equals(StandardCharsets.ISO_8859_1) || charset.name().equals("windows-1252");
    return compatible && delimiter < 0x80 && quote < 0x80 && delimiter != quote;
  }

  @Override
  public long rowLine() {
    return rowLine;
  }

  @Override
  public int fieldCount() {
    return count;
  }

  /**
   * The chunk holding the current row's fields. Its bytes never change once read, so slices of it
   * may be kept.
   */
  byte[] buffer() {
    return buffer;
  }

  int start(int field) {
    return starts[field];
  }

  int end(int field) {
    return ends[field];
  }

  int flags(int field) {
    return flags[field];
  }

  /** Field {@code index} of the current row as text. */
  @Override
  public String text(int index) {
    int fieldFlags = flags[index];
    if ((fieldFlags & SPECIAL) != 0) {
      return special[index];
    }
    return decode(starts[index], ends[index], fieldFlags);
  }

  private String decode(int start, int end, int fieldFlags) {
    if ((fieldFlags & HIGH) == 0) {
      return new String(buffer, start, end - start, StandardCharsets.ISO_8859_1);
    }
    try {
      return decoder.decode(ByteBuffer.wrap(buffer, start, end - start)).toString();
    } catch (CharacterCodingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fields of the next row as text, or null at the end of the input. */
  @Override
  public String[] next() throws IOException {
    if (!advance()) {
      return null;
    }
    String[] row = new String[count];
    for (int i = 0; i < count; i++) {
      row[i] = text(i);
    }
    return row;
  }

  /** Moves to the next row; false at the end of the input. */
  @Override
  public boolean advance() throws IOException {
    if (!started) {
      started = true;
      while (limit < 3 && fill()) {
        // a byte-order mark needs the first three bytes
      }
      if (charset.equals(StandardCharsets.UTF_8) && limit >= 3
          && buffer[0] == (byte) 0xEF && buffer[1] == (byte) 0xBB && buffer[2] == (byte) 0xBF) {
        position = 3;
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
        continue;
      }
      if (!fill()) {
        endOfInput = true;
      }
    }
  }

  private boolean fill() throws IOException {
    if (endOfInput) {
      return false;
    }
    // Bytes once read are never overwritten: fields of earlier rows may still be referenced
    // (PlainTextNode slices) by records not yet written. Reads append while a quarter of the chunk
    // is free; then the unparsed rest moves to a fresh chunk.
    if (buffer.length - limit < buffer.length / 4) {
      int rest = limit - position;
      byte[] chunk = new byte[rest > buffer.length / 2 ? buffer.length * 2 : buffer.length];
      System.arraycopy(buffer, position, chunk, 0, rest);
      buffer = chunk;
      limit = rest;
      position = 0;
    }
    int read = in.read(buffer, limit, buffer.length - limit);
    while (read == 0) {
      read = in.read(buffer, limit, buffer.length - limit);
    }
    if (read < 0) {
      endOfInput = true;
      return false;
    }
    limit += read;
    return true;
  }

  private int parseRow() {
    final byte[] bytes = buffer;
    final int end = limit;
    final boolean last = endOfInput;
    final int[] kinds = classes;
    int i = position;
    long lines = 0;
    count = 0;
    byte first = bytes[i];
    if (first == '\n' || first == '\r') {
      int next = i + 1;
      if (first == '\r') {
        if (next == end && !last) return -1;
        if (next < end && bytes[next] == '\n') next++;
      }
      position = next;
      line++;
      return 0;
    }
    while (true) {
      if (i < end && bytes[i] == quote) {
        int start = ++i;
        boolean doubled = false;
        int fieldFlags = 0;
        while (true) {
          if (i >= end) {
            if (last) {
              throw new TaplineException(source + " line " + line
                  + ": a row has a quoted field that is not closed before the end of the file."
                  + " Check the quotes.");
            }
            return -1;
          }
          byte b = bytes[i];
          if (b == quote) {
            if (i + 1 < end && bytes[i + 1] == quote) {
              doubled = true;
              i += 2;
              continue;
            }
            if (i + 1 >= end && !last) {
              return -1;
            }
            break;
          }
          if (b == '\n') {
            lines++;
          } else if (b == '\r' && !(i + 1 < end && bytes[i + 1] == '\n')) {
            lines++;
          }
          fieldFlags |= kinds[b & 0xFF];
          i++;
        }
        int valueEnd = i;
        i++; // the closing quote
        int afterQuote = i;
        while (i < end && (kinds[bytes[i] & 0xFF] & END) == 0) {
          i++;
        }
        if (doubled || i > afterQuote) {
          String value = decode(start, valueEnd, fieldFlags | HIGH);
          if (doubled) {
            char q = (char) quote;
            value = value.replace(new String(new char[] {q, q}), String.valueOf(q));
          }
          if (i > afterQuote) {
            value = value + decode(afterQuote, i, HIGH);
          }
          add(start, valueEnd, SPECIAL | ESCAPE | HIGH, value);
        } else {
          add(start, valueEnd, fieldFlags & (HIGH | ESCAPE), null);
        }
      } else {
        int start = i;
        int fieldFlags = 0;
        while (i < end) {
          int kind = kinds[bytes[i] & 0xFF];
          if ((kind & END) != 0) {
            break;
          }
          fieldFlags |= kind;
          i++;
        }
        add(start, i, fieldFlags, null);
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
      byte b = bytes[i];
      if (b == delimiter) {
        i++;
        if (i >= end && !last) {
          return -1;
        }
        if (i >= end) {
          add(i, i, 0, null);
          position = end;
          rowLine = line;
          line += lines + 1;
          return 1;
        }
        continue;
      }
      if (b == '\r') {
        if (i + 1 >= end && !last) {
          return -1;
        }
        i++;
        if (i < end && bytes[i] == '\n') {
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

  private void add(int start, int end, int fieldFlags, String value) {
    if (count == starts.length) {
      int size = count * 2;
      starts = Arrays.copyOf(starts, size);
      ends = Arrays.copyOf(ends, size);
      flags = Arrays.copyOf(flags, size);
      special = Arrays.copyOf(special, size);
    }
    starts[count] = start;
    ends[count] = end;
    flags[count] = fieldFlags;
    special[count++] = value;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
