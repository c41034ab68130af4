package dev.tapline.tap.csv;

import dev.tapline.spec.Timestamps;

/** Cheap checks of cell text, shared by type inference and conversion. */
final class Values {

  private Values() {}

  /** {@code -?(0|[1-9][0-9]*)}: an integer as JSON writes it (no {@code +}, no leading zeros). */
  static boolean isInteger(String text) {
    int length = text.length();
    int i = text.charAt(0) == '-' ? 1 : 0;
    if (i == length) {
      return false;
    }
    if (text.charAt(i) == '0') {
      return length == i + 1;
    }
    for (; i < length; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** Result bit of {@link #numberShape} set when the number has an exponent. */
  static final long EXPONENT = 1L << 62;

  /**
   * Checks that the text is a JSON number; returns -1 when it is not, else the digits before the
   * point in bits 20 to 39, the digits after it in bits 0 to 19, and {@link #EXPONENT}.
   */
  static long numberShape(String text) {
    int length = text.length();
    int i = text.charAt(0) == '-' ? 1 : 0;
    int start = i;
    if (i == length) {
      return -1;
    }
    if (text.charAt(i) == '0') {
      i++;
    } else {
      while (i < length && isDigit(text.charAt(i))) i++;
    }
    int integerDigits = i - start;
    if (integerDigits == 0) {
      return -1;
    }
    int fractionDigits = 0;
    if (i < length && text.charAt(i) == '.') {
      int fractionStart = ++i;
      while (i < length && isDigit(text.charAt(i))) i++;
      fractionDigits = i - fractionStart;
      if (fractionDigits == 0) {
        return -1;
      }
    }
    long exponent = 0;
    if (i < length && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
      i++;
      if (i < length && (text.charAt(i) == '+' || text.charAt(i) == '-')) i++;
      int exponentStart = i;
      while (i < length && isDigit(text.charAt(i))) i++;
      if (i == exponentStart) {
        return -1;
      }
      exponent = EXPONENT;
    }
    if (i != length || integerDigits > 0xFFFFF || fractionDigits > 0xFFFFF) {
      return -1;
    }
    return exponent | ((long) integerDigits << 20) | fractionDigits;
  }

  static int integerDigits(long shape) {
    return (int) ((shape >>> 20) & 0xFFFFF);
  }

  static int fractionDigits(long shape) {
    return (int) (shape & 0xFFFFF);
  }

  static boolean isBoolean(String text) {
    return text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false");
  }

  /** {@code YYYY-MM-DD} by shape. */
  static boolean hasDateShape(String text) {
    return text.length() == 10 && datePart(text);
  }

  /** {@code YYYY-MM-DD[T ]hh:mm} and then only digits, {@code :.+-Zz}, by shape. */
  static boolean hasDateTimeShape(String text) {
    int length = text.length();
    if (length < 16 || !datePart(text)) {
      return false;
    }
    char separator = text.charAt(10);
    if (separator != 'T' && separator != 't' && separator != ' ') {
      return false;
    }
    if (!isDigit(text.charAt(11)) || !isDigit(text.charAt(12)) || text.charAt(13) != ':'
        || !isDigit(text.charAt(14)) || !isDigit(text.charAt(15))) {
      return false;
    }
    for (int i = 16; i < length; i++) {
      char c = text.charAt(i);
      if (!isDigit(c) && c != ':' && c != '.' && c != '+' && c != '-' && c != 'Z' && c != 'z') {
        return false;
      }
    }
    return true;
  }

  /** A date by shape and by calendar (inference only: parsing is too slow for every cell). */
  static boolean isDate(String text) {
    return hasDateShape(text) && Timestamps.tryParse(text).isPresent();
  }

  /** A timestamp by shape and by calendar (inference only). */
  static boolean isDateTime(String text) {
    return hasDateTimeShape(text) && Timestamps.tryParse(text).isPresent();
  }

  private static boolean datePart(String text) {
    return isDigit(text.charAt(0)) && isDigit(text.charAt(1)) && isDigit(text.charAt(2))
        && isDigit(text.charAt(3)) && text.charAt(4) == '-' && isDigit(text.charAt(5))
        && isDigit(text.charAt(6)) && text.charAt(7) == '-' && isDigit(text.charAt(8))
        && isDigit(text.charAt(9));
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  // ---- the same checks over bytes of an ASCII-compatible encoding

  static boolean isInteger(byte[] bytes, int start, int end) {
    int i = bytes[start] == '-' ? start + 1 : start;
    if (i == end) {
      return false;
    }
    if (bytes[i] == '0') {
      return end == i + 1;
    }
    for (; i < end; i++) {
      byte c = bytes[i];
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  static long parseLong(byte[] bytes, int start, int end) {
    return dev.tapline.spec.JsonBytes.parseLong(bytes, start, end);
  }

  /** {@link #numberShape(String)} over bytes. */
  static long numberShape(byte[] bytes, int start, int end) {
    int i = bytes[start] == '-' ? start + 1 : start;
    int integerStart = i;
    if (i == end) {
      return -1;
    }
    if (bytes[i] == '0') {
      i++;
    } else {
      while (i < end && isDigit(bytes[i])) i++;
    }
    int integerDigits = i - integerStart;
    if (integerDigits == 0) {
      return -1;
    }
    int fractionDigits = 0;
    if (i < end && bytes[i] == '.') {
      int fractionStart = ++i;
      while (i < end && isDigit(bytes[i])) i++;
      fractionDigits = i - fractionStart;
      if (fractionDigits == 0) {
        return -1;
      }
    }
    long exponent = 0;
    if (i < end && (bytes[i] == 'e' || bytes[i] == 'E')) {
      i++;
      if (i < end && (bytes[i] == '+' || bytes[i] == '-')) i++;
      int exponentStart = i;
      while (i < end && isDigit(bytes[i])) i++;
      if (i == exponentStart) {
        return -1;
      }
      exponent = EXPONENT;
    }
    if (i != end || integerDigits > 0xFFFFF || fractionDigits > 0xFFFFF) {
      return -1;
    }
    return exponent | ((long) integerDigits << 20) | fractionDigits;
  }

  static boolean hasDateShape(byte[] bytes, int start, int end) {
    return end - start == 10 && datePart(bytes, start);
  }

  static boolean hasDateTimeShape(byte[] bytes, int start, int end) {
    if (end - start < 16 || !datePart(bytes, start)) {
      return false;
    }
    byte separator = bytes[start + 10];
    if (separator != 'T' && separator != 't' && separator != ' ') {
      return false;
    }
    if (!isDigit(bytes[start + 11]) || !isDigit(bytes[start + 12]) || bytes[start + 13] != ':'
        || !isDigit(bytes[start + 14]) || !isDigit(bytes[start + 15])) {
      return false;
    }
    for (int i = start + 16; i < end; i++) {
      byte c = bytes[i];
      if (!isDigit(c) && c != ':' && c != '.' && c != '+' && c != '-' && c != 'Z' && c != 'z') {
        return false;
      }
    }
    return true;
  }

  private static boolean datePart(byte[] bytes, int s) {
    return isDigit(bytes[s]) && isDigit(bytes[s + 1]) && isDigit(bytes[s + 2]) && isDigit(bytes[s + 3])
        && bytes[s + 4] == '-' && isDigit(bytes[s + 5]) && isDigit(bytes[s + 6]) && bytes[s + 7] == '-'
        && isDigit(bytes[s + 8]) && isDigit(bytes[s + 9]);
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }
}
