package dev.tapline.tap;

import dev.tapline.spec.Json;
import java.util.Arrays;

/**
 * A JSON document in UTF-8, checked once from end to end, with the start and end of every object
 * and array noted in document order. Nodes over it ({@link LazyObjectNode}, {@link LazyArrayNode})
 * read their members only when asked, and an object or array nobody asked about is written out by
 * {@link MessageOutput} as the bytes it was read as.
 *
 * <p>The check is the JSON grammar (RFC 8259), strings included (escapes, no raw control
 * characters, well-formed UTF-8), so the bytes of any container can be copied into a message as
 * they are. Immutable once built; safe to read from several threads.
 */
final class JsonTape {

  final byte[] bytes;
  /** Position of each container's opening bracket, in document order. */
  int[] starts;
  /** Position of each container's closing bracket. */
  int[] ends;
  /** Index of the first container after each container and everything inside it. */
  int[] nexts;
  int count;
  /** Whether whitespace occurs inside a container outside strings (pretty-printed JSON). */
  boolean spaced;

  private int position;
  final int limit;

  private JsonTape(byte[] bytes, int limit) {
    this.bytes = bytes;
    this.limit = limit;
    int guess = Math.max(8, limit / 128);
    starts = new int[guess];
    ends = new int[guess];
    nexts = new int[guess];
  }

  /**
   * Checks {@code length} bytes of {@code bytes} from {@code offset} as one JSON value.
   *
   * @throws JsonFormatException naming the byte offset of the first problem
   */
  static JsonTape of(byte[] bytes, int offset, int length) {
    JsonTape tape = new JsonTape(bytes, offset + length);
    tape.position = offset;
    tape.check();
    return tape;
  }

  /** A problem with the JSON text, at a byte offset. */
  static final class JsonFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    JsonFormatException(String message, int offset) {
      super(message + " at byte " + offset);
    }
  }

  private JsonFormatException problem(String what) {
    if (position >= limit) {
      return new JsonFormatException("Unexpected end of JSON", position);
    }
    return new JsonFormatException(what + " (found '" + (char) (bytes[position] & 0xFF) + "')",
        position);
  }

  private int peek() {
    return position < limit ? bytes[position] : -1000;
  }

  private void skipWhitespace(boolean inside) {
    int at = position;
    while (at < limit) {
      byte b = bytes[at];
      if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
        at++;
      } else {
        break;
      }
    }
    if (at != position && inside) {
      spaced = true;
    }
    position = at;
  }

  private int open() {
    if (count == starts.length) {
      int size = count * 2;
      starts = Arrays.copyOf(starts, size);
      ends = Arrays.copyOf(ends, size);
      nexts = Arrays.copyOf(nexts, size);
    }
    starts[count] = position;
    return count++;
  }

  private void check() {
    int[] stack = new int[16];
    int depth = 0;
    skipWhitespace(false);
    while (true) {
      // a value is expected at position
      int b = peek();
      if (b == '{' || b == '[') {
        if (depth == stack.length) {
          stack = Arrays.copyOf(stack, depth * 2);
        }
        if (depth >= Json.MAX_NESTING) {
          throw problem("JSON nested deeper than " + Json.MAX_NESTING + " levels");
        }
        int container = open();
        stack[depth++] = container;
        position++;
        skipWhitespace(true);
        int next = peek();
        if (b == '{' ? next == '}' : next == ']') {
          close(container);
          depth--;
        } else {
          if (b == '{') {
            member();
          }
          continue;
        }
      } else {
        scalar(b);
      }
      // after a value
      while (true) {
        if (depth == 0) {
          skipWhitespace(false);
          if (position != limit) {
            throw problem("Unexpected text after the JSON value");
          }
          return;
        }
        skipWhitespace(true);
        int container = stack[depth - 1];
        boolean object = bytes[starts[container]] == '{';
        int next = peek();
        if (next == ',') {
          position++;
          skipWhitespace(true);
          if (object) {
            member();
          }
          break;
        }
        if (next == (object ? '}' : ']')) {
          close(container);
          depth--;
          continue;
        }
        throw problem(object ? "Expected ',' or '}'" : "Expected ',' or ']'");
      }
    }
  }

  private void close(int container) {
    ends[container] = position;
    nexts[container] = count;
    position++;
  }

  /** A member's name and colon; leaves position at its value. */
  private void member() {
    if (peek() != '"') {
      throw problem("Expected a property name in quotes");
    }
    string();
    skipWhitespace(true);
    if (peek() != ':') {
      throw problem("Expected ':'");
    }
    position++;
    skipWhitespace(true);
  }

  private void scalar(int b) {
    switch (b) {
      case '"' -> string();
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> {
        if (b == '-' || (b >= '0' && b <= '9')) {
          number();
        } else {
          throw problem("Expected a JSON value");
        }
      }
    }
  }

  private void literal(String word) {
    int length = word.length();
    if (position + length > limit) {
      position = limit;
      throw problem("Unexpected end of JSON");
    }
    for (int i = 0; i < length; i++) {
      if (bytes[position + i] != word.charAt(i)) {
        position += i;
        throw problem("Expected '" + word + "'");
      }
    }
    position += length;
  }

  private void number() {
    if (peek() == '-') {
      position++;
    }
    int first = peek();
    if (first == '0') {
      position++;
    } else if (first >= '1' && first <= '9') {
      digits();
    } else {
      throw problem("Expected a digit");
    }
    if (peek() == '.') {
      position++;
      if (!isDigit(peek())) {
        throw problem("Expected a digit after '.'");
      }
      digits();
    }
    int e = peek();
    if (e == 'e' || e == 'E') {
      position++;
      int sign = peek();
      if (sign == '+' || sign == '-') {
        position++;
      }
      if (!isDigit(peek())) {
        throw problem("Expected a digit in the exponent");
      }
      digits();
    }
  }

  private static boolean isDigit(int b) {
    return b >= '0' && b <= '9';
  }

  private void digits() {
    int at = position;
    while (at < limit && bytes[at] >= '0' && bytes[at] <= '9') {
      at++;
    }
    position = at;
  }

  /** A string from its opening quote; leaves position after the closing one. */
  private void string() {
    int at = position + 1;
    byte[] data = bytes;
    while (true) {
      if (at >= limit) {
        position = limit;
        throw problem("Unterminated string");
      }
      byte b = data[at];
      if (b == '"') {
        position = at + 1;
        return;
      }
      if (b >= 0x20 && b != '\\') {
        at++;
      } else if (b == '\\') {
        at = escape(at);
      } else if (b >= 0) {
        position = at;
        throw problem("Control character in a string (escape it)");
      } else {
        at = multibyte(at);
      }
    }
  }

  private int escape(int at) {
    if (at + 1 >= limit) {
      position = limit;
      throw problem("Unterminated string");
    }
    switch (bytes[at + 1]) {
      case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
        return at + 2;
      }
      case 'u' -> {
        if (at + 6 > limit) {
          position = limit;
          throw problem("Unterminated string");
        }
        for (int i = at + 2; i < at + 6; i++) {
          if (Character.digit(bytes[i], 16) < 0) {
            position = i;
            throw problem("Expected a hex digit in a \\u escape");
          }
        }
        return at + 6;
      }
      default -> {
        position = at + 1;
        throw problem("Unknown escape in a string");
      }
    }
  }

  /** A UTF-8 sequence of two to four bytes; returns the position after it. */
  private int multibyte(int at) {
    int lead = bytes[at] & 0xFF;
    int length;
    int minimum;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
      minimum = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      minimum = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      minimum = 0x10000;
    } else {
      position = at;
      throw problem("Invalid UTF-8");
    }
    if (at + length > limit) {
      position = at;
      throw problem("Invalid UTF-8 (truncated)");
    }
    int codePoint = lead & (0xFF >> (length + 1));
    for (int i = 1; i < length; i++) {
      int continuation = bytes[at + i] & 0xFF;
      if ((continuation & 0xC0) != 0x80) {
        position = at;
        throw problem("Invalid UTF-8");
      }
      codePoint = (codePoint << 6) | (continuation & 0x3F);
    }
    if (codePoint < minimum || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF)) {
      position = at;
      throw problem("Invalid UTF-8");
    }
    return at + length;
  }
}
