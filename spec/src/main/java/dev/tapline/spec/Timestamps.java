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

  /** RFC 3339 in UTC with {@code Z}, e.g. {@code 2024-01-02T03:04:05.123456Z}. */
  public static String format(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant);
  }

  /** RFC 3339 in UTC with {@code Z} of a timestamp with any offset. */
  public static String format(OffsetDateTime timestamp) {
    return format(timestamp.toInstant());
  }
}
