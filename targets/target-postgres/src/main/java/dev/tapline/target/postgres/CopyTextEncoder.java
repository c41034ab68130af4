package dev.tapline.target.postgres;

import java.util.Arrays;

/**
 * Encodes rows in PostgreSQL's COPY text format, UTF-8, into a growing byte buffer: tab between
 * fields, newline after a row, {@code \N} for NULL, and backslash, tab, newline and carriage
 * return escaped.
 */
final class CopyTextEncoder {

  private byte[] buffer;
  private int size;

  CopyTextEncoder(int capacity) {
    buffer = new byte[capacity];
  }

  byte[] buffer() {
    return buffer;
  }

  int size() {
    return size;
  }

  void clear() {
    size = 0;
  }

  void separator() {
    ensure(1);
    buffer[size++] = '\t';
  }

  void endRow() {
    ensure(1);
    buffer[size++] = '\n';
  }

  /** Appends SQL NULL. */
  void appendNull() {
    ensure(2);
    buffer[size++] = '\\';
    buffer[size++] = 'N';
  }

  /**
   * Appends bytes that need no escaping (UTF-8 without backslash, tab, line end or NUL), such as
   * the text of a JSON string without escapes or of a JSON number.
   */
  void appendRaw(byte[] bytes, int start, int end) {
    int length = end - start;
    ensure(length);
    System.arraycopy(bytes, start, buffer, size, length);
    size += length;
  }

  void appendLong(long value) {
    appendAscii(Long.toString(value));
  }

  /** Appends a field; null is SQL NULL. */
  void appendValue(String value) {
    if (value == null) {
      ensure(2);
      buffer[size++] = '\\';
      buffer[size++] = 'N';
      return;
    }
    int length = value.length();
    ensure(length * 3 + 8);
    byte[] out = buffer;
    int at = size;
    int i = 0;
    // printable ASCII other than the backslash goes as it is: a tight loop for the common case
    for (; i < length; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c >= 0x80 || c == '\\') {
        break;
      }
      out[at + i] = (byte) c;
    }
    size = i == length ? at + length : appendEscaped(value, i, at + i);
  }

  /** Escapes and UTF-8-encodes {@code value} from {@code from} on, at {@code at}; returns the new size. */
  private int appendEscaped(String value, int from, int at) {
    byte[] out = buffer;
    int length = value.length();
    for (int i = from; i < length; i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        switch (c) {
          case '\\':
            out[at++] = '\\';
            out[at++] = '\\';
            break;
          case '\t':
            out[at++] = '\\';
            out[at++] = 't';
            break;
          case '\n':
            out[at++] = '\\';
            out[at++] = 'n';
            break;
          case '\r':
            out[at++] = '\\';
            out[at++] = 'r';
            break;
          default:
            out[at++] = (byte) c;
        }
      } else if (c < 0x800) {
        out[at++] = (byte) (0xC0 | (c >> 6));
        out[at++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(value.charAt(i + 1))) {
        int code = Character.toCodePoint(c, value.charAt(++i));
        out[at++] = (byte) (0xF0 | (code >> 18));
        out[at++] = (byte) (0x80 | ((code >> 12) & 0x3F));
        out[at++] = (byte) (0x80 | ((code >> 6) & 0x3F));
        out[at++] = (byte) (0x80 | (code & 0x3F));
      } else if (Character.isSurrogate(c)) {
        out[at++] = (byte) '?';
      } else {
        out[at++] = (byte) (0xE0 | (c >> 12));
        out[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        out[at++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return at;
  }

  private void appendAscii(String text) {
    ensure(text.length());
    for (int i = 0; i < text.length(); i++) {
      buffer[size++] = (byte) text.charAt(i);
    }
  }

  private void ensure(int extra) {
    if (size + extra > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + extra));
    }
  }
}
