package dev.tapline.spec;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Optional;

/**
 * Reads the timestamps Singer tools write ({@code 2024-01-02T03:04:05.000000Z}, {@code
 * 2024-01-02T03:04:05+00:00}, {@code 2024-01-02 03:04:05}, a bare date) and writes one form: UTC
 * with {@code Z}.
 */
public final class Timestamps {

  private static final DateTimeFormatter LENIENT =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .optionalStart()
          .optionalStart()
          .appendLiteral('T')
          .optionalEnd()
          .optionalStart()
          .appendLiteral(' ')
          .optionalEnd()
          .appendValue(ChronoField.HOUR_OF_DAY, 2)
          .appendLiteral(':')
          .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
          .optionalStart()
          .appendLiteral(':')
          .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HH:MM", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HHMM", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HH", "Z")
          .optionalEnd()
          .optionalEnd()
          .toFormatter();

  private Timestamps() {}

  /**
   * Parses a timestamp in any of the accepted forms. A value without an offset is taken as UTC.
   *
   * @throws DateTimeParseException when the text is not a timestamp
   */
  public static Instant parse(String text) {
    var parsed = LENIENT.parse(text.trim());
    if (!parsed.isSupported(ChronoField.HOUR_OF_DAY)) {
      return LocalDate.from(parsed).atStartOfDay().toInstant(ZoneOffset.UTC);
    }
    if (parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
      return OffsetDateTime.from(parsed).toInstant();
    }
    return LocalDateTime.from(parsed).toInstant(ZoneOffset.UTC);
  }

  /** Like {@link #parse} but empty when the text is not a timestamp. */
  public static Optional<Instant> tryParse(String text) {
    try {
      return Optional.of(parse(text));
    } catch (java.time.DateTimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Parses a timestamp keeping its offset (a value without one is taken as UTC).
   *
   * @throws DateTimeParseException when the text is not a timestamp
   */
  public static OffsetDateTime parseOffset(String text) {
    var parsed = LENIENT.parse(text.trim());
    if (!parsed.isSupported(ChronoField.HOUR_OF_DAY)) {
      return LocalDate.from(parsed).atStartOfDay().atOffset(ZoneOffset.UTC);
    }
    if (parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
      return OffsetDateTime.from(parsed);
    }
    return LocalDateTime.from(parsed).atOffset(ZoneOffset.UTC);
  }

  /**
   * Whether the text is a timestamp {@link #parse} accepts, checked without allocating: a date,
   * optionally followed by {@code T} or a space and {@code HH:MM[:SS[.fraction]]}, optionally
   * followed by {@code Z} or an offset ({@code +HH:MM}, {@code +HHMM}, {@code +HH}).
   */
  public static boolean isTimestamp(CharSequence text) {
    int length = text.length();
    if (!dateAt(text, 0)) {
      return false;
    }
    if (length == 10) {
      return true;
    }
    char separator = text.charAt(10);
    if (separator != 'T' && separator != 't' && separator != ' ') {
      return false;
    }
    int end = timeEnd(text, 11);
    if (end < 0) {
      return false;
    }
    return offsetAt(text, end);
  }

  /** Whether the text is a date {@code YYYY-MM-DD} that exists. */
  public static boolean isDate(CharSequence text) {
    return text.length() == 10 && dateAt(text, 0);
  }

  /** Whether the text is a time of day {@code HH:MM[:SS[.fraction]]} with an optional offset. */
  public static boolean isTime(CharSequence text) {
    int end = timeEnd(text, 0);
    return end >= 0 && offsetAt(text, end);
  }

  private static boolean dateAt(CharSequence text, int at) {
    if (text.length() < at + 10 || text.charAt(at + 4) != '-' || text.charAt(at + 7) != '-') {
      return false;
    }
    int year = digits(text, at, 4);
    int month = digits(text, at + 5, 2);
    int day = digits(text, at + 8, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1) {
      return false;
    }
    int days = switch (month) {
      case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
    return day <= days;
  }

  /** The index after {@code HH:MM[:SS[.fraction]]} starting at {@code at}, or -1. */
  private static int timeEnd(CharSequence text, int at) {
    int length = text.length();
    if (length < at + 5 || text.charAt(at + 2) != ':') {
      return -1;
    }
    int hour = digits(text, at, 2);
    int minute = digits(text, at + 3, 2);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59) {
      return -1;
    }
    int position = at + 5;
    if (position < length && text.charAt(position) == ':') {
      int second = digits(text, position + 1, 2);
      if (second < 0 || second > 60) {
        return -1;
      }
      position += 3;
      if (position < length && text.charAt(position) == '.') {
        int start = ++position;
        while (position < length && isDigit(text.charAt(position))) {
          position++;
        }
        if (position == start || position - start > 9) {
          return -1;
        }
      }
    }
    return position;
  }

  private static boolean offsetAt(CharSequence text, int at) {
    int length = text.length();
    if (at == length) {
      return true;
    }
    char sign = text.charAt(at);
    if (sign == 'Z' || sign == 'z') {
      return at + 1 == length;
    }
    if (sign != '+' && sign != '-') {
      return false;
    }
    int hours = digits(text, at + 1, 2);
    if (hours < 0 || hours > 18) {
      return false;
    }
    int rest = length - (at + 3);
    if (rest == 0) {
      return true;
    }
    int minuteStart = text.charAt(at + 3) == ':' ? at + 4 : at + 3;
    if (length - minuteStart != 2) {
      return false;
    }
    int minutes = digits(text, minuteStart, 2);
    return minutes >= 0 && minutes <= 59;
  }

  private static int digits(CharSequence text, int at, int count) {
    if (text.length() < at + count) {
      return -1;
    }
    int value = 0;
    for (int i = at; i < at + count; i++) {
      char c = text.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** RFC 3339 in UTC with {@code Z}, e.g. {@code 2024-01-02T03:04:05.123456Z}. */
  public static String format(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant);
  }

  /** RFC 3339 in UTC with {@code Z} of a timestamp with any offset. */
  public static String format(OffsetDateTime timestamp) {
    return format(timestamp.toInstant());
  }
}
