package dev.tapline.target;

/**
 * Finds where the {@code "record"} value of a RECORD line starts and ends, so a sink can write the
 * record exactly as it arrived without serialising it again. A single pass over the bytes that
 * understands JSON strings and nesting; it does not validate (the line is parsed properly too).
 */
final class RecordText {

  private RecordText() {}

  /**
   * The span of the top-level {@code "record"} object in a line, packed as {@code start << 32 |
   * end} (end exclusive), or -1 when there is none or the line is not a plain JSON object.
   */
  static long find(byte[] bytes, int from, int to) {
    int i = skipBlank(bytes, from, to);
    if (i >= to || bytes[i] != '{') {
      return -1;
    }
    long found = -1;
    i++;
    while (true) {
      i = skipBlank(bytes, i, to);
      if (i >= to) {
        return -1;
      }
      if (bytes[i] == '}') {
        return found;
      }
      if (bytes[i] == ',') {
        i = skipBlank(bytes, i + 1, to);
      }
      if (i >= to || bytes[i] != '"') {
        return -1;
      }
      int keyStart = i + 1;
      int keyEnd = skipString(bytes, i, to);
      if (keyEnd < 0) {
        return -1;
      }
      i = skipBlank(bytes, keyEnd, to);
      if (i >= to || bytes[i] != ':') {
        return -1;
      }
      i = skipBlank(bytes, i + 1, to);
      int valueStart = i;
      int valueEnd = skipValue(bytes, i, to);
      if (valueEnd < 0) {
        return -1;
      }
      if (keyEnd - 1 - keyStart == 6 && bytes[keyStart] == 'r' && bytes[keyStart + 1] == 'e'
          && bytes[keyStart + 2] == 'c' && bytes[keyStart + 3] == 'o' && bytes[keyStart + 4] == 'r'
          && bytes[keyStart + 5] == 'd') {
        found = bytes[valueStart] == '{' ? ((long) valueStart << 32) | valueEnd : -1;
      }
      i = valueEnd;
    }
  }

  private static int skipBlank(byte[] bytes, int i, int to) {
    while (i < to && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\r' || bytes[i] == '\n')) {
      i++;
    }
    return i;
  }

  /** The index after the string starting at {@code i} (a quote), or -1. */
  private static int skipString(byte[] bytes, int i, int to) {
    for (i++; i < to; i++) {
      byte b = bytes[i];
      if (b == '\\') {
        i++;
      } else if (b == '"') {
        return i + 1;
      }
    }
    return -1;
  }

  /** The index after the value starting at {@code i}, or -1. */
  private static int skipValue(byte[] bytes, int i, int to) {
    if (i >= to) {
      return -1;
    }
    byte first = bytes[i];
    if (first == '"') {
      return skipString(bytes, i, to);
    }
    if (first == '{' || first == '[') {
      int depth = 0;
      while (i < to) {
        byte b = bytes[i];
        if (b == '"') {
          i = skipString(bytes, i, to);
          if (i < 0) {
            return -1;
          }
          continue;
        }
        if (b == '{' || b == '[') {
          depth++;
        } else if (b == '}' || b == ']') {
          if (--depth == 0) {
            return i + 1;
          }
        }
        i++;
      }
      return -1;
    }
    while (i < to && bytes[i] != ',' && bytes[i] != '}' && bytes[i] != ' ' && bytes[i] != '\t'
        && bytes[i] != '\r' && bytes[i] != '\n') {
      i++;
    }
    return i;
  }
}
