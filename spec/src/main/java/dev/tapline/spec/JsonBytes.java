package dev.tapline.spec;

import java.nio.charset.StandardCharsets;

/**
 * Small readers of JSON text held as UTF-8 bytes, shared by the scanners that read values without
 * building trees (tap-sdk's lazy bodies, the targets' flat records, tap-csv's number shapes).
 * Each takes text already checked by its caller's grammar.
 */
public final class JsonBytes {

  private JsonBytes() {}

  /**
   * The value of an optionally negative run of at most 18 decimal digits, checked by the caller;
   * no overflow is possible at that length.
   */
  public static long parseLong(byte[] bytes, int start, int end) {
    boolean negative = bytes[start] == '-';
    long value = 0;
    for (int i = negative ? start + 1 : start; i < end; i++) {
      value = value * 10 + (bytes[i] - '0');
    }
    return negative ? -value : value;
  }

  /**
   * The text of a JSON string, from the bytes between its quotes, whose escapes were checked by
   * the caller (each backslash is followed by one of {@code "\/bfnrt} or by {@code u} and four hex
   * digits). Surrogate pairs written as two escapes become the pair.
   */
  public static String unescape(byte[] bytes, int start, int end) {
    StringBuilder text = new StringBuilder(end - start);
    int run = start;
    int at = start;
    while (at < end) {
      if (bytes[at] != '\\') {
        at++;
        continue;
      }
      if (at > run) {
        text.append(new String(bytes, run, at - run, StandardCharsets.UTF_8));
      }
      byte kind = bytes[at + 1];
      switch (kind) {
        case 'b' -> text.append('\b');
        case 'f' -> text.append('\f');
        case 'n' -> text.append('\n');
        case 'r' -> text.append('\r');
        case 't' -> text.append('\t');
        case 'u' -> {
          text.append((char) Integer.parseInt(new String(bytes, at + 2, 4, StandardCharsets.ISO_8859_1), 16));
          at += 4;
        }
        default -> text.append((char) kind);
      }
      at += 2;
      run = at;
    }
    if (end > run) {
      text.append(new String(bytes, run, end - run, StandardCharsets.UTF_8));
    }
    return text.toString();
  }
}
