package dev.tapline.target.duckdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.TaplineException;
import dev.tapline.spec.Timestamps;
import dev.tapline.target.jdbc.Column;
import dev.tapline.target.jdbc.ColumnType;
import dev.tapline.target.jdbc.JdbcLoadException;
import dev.tapline.target.jdbc.RecordValues;
import dev.tapline.target.jdbc.StagingWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.duckdb.DuckDBAppender;

/**
 * Appends each record with the DuckDB appender, as it arrives, as values of each column's type
 * (see {@link StagedColumn}): integers, decimals, booleans and timestamps are converted here, so
 * DuckDB copies the batch without parsing text. Into a staging table the row number comes first,
 * then every column; straight into a final table the columns follow the table's order, and a table
 * column no property fills gets NULL.
 */
final class AppenderStagingWriter implements StagingWriter {

  private static final long MICROS_PER_SECOND = 1_000_000L;

  private final DuckDBAppender appender;
  private final RecordValues values;
  private final boolean rowNumbers;
  /** For each appended column, the index of its column in {@link RecordValues}, or -1 for NULL. */
  private final int[] sources;
  private final String[] properties;
  private final StagedColumn[] staged;
  private final int[] precisions;
  private final int[] scales;

  /** Into a staging table made by {@link DuckDbDialect#createStagingTable}. */
  AppenderStagingWriter(DuckDBAppender appender, RecordValues values) {
    this(appender, values, true, stagingLayout(values.columns()));
  }

  /** Into a table of the given layout, without row numbers. */
  AppenderStagingWriter(DuckDBAppender appender, RecordValues values, TableLayout layout) {
    this(appender, values, false, layout);
  }

  private AppenderStagingWriter(DuckDBAppender appender, RecordValues values, boolean rowNumbers, TableLayout layout) {
    this.appender = appender;
    this.values = values;
    this.rowNumbers = rowNumbers;
    this.sources = layout.sources();
    this.staged = layout.kinds();
    this.precisions = layout.precisions();
    this.scales = layout.scales();
    this.properties = new String[sources.length];
    List<Column> columns = values.columns();
    for (int i = 0; i < sources.length; i++) {
      properties[i] = sources[i] < 0 ? null : columns.get(sources[i]).property();
    }
  }

  private static TableLayout stagingLayout(List<Column> columns) {
    int count = columns.size();
    int[] sources = new int[count];
    StagedColumn[] kinds = new StagedColumn[count];
    int[] precisions = new int[count];
    int[] scales = new int[count];
    for (int i = 0; i < count; i++) {
      ColumnType type = columns.get(i).type();
      sources[i] = i;
      kinds[i] = StagedColumn.of(type);
      if (kinds[i] == StagedColumn.DECIMAL) {
        precisions[i] = type.precision();
        scales[i] = type.scale() == null ? 0 : type.scale();
      }
    }
    return new TableLayout(sources, kinds, precisions, scales);
  }

  /**
   * How records map onto a table's columns, in table order.
   *
   * @param sources for each table column, the index of its column in {@link RecordValues}, or -1
   *     when no property fills it (NULL is appended)
   * @param kinds how each table column is appended
   * @param precisions the precision of each {@link StagedColumn#DECIMAL} column
   * @param scales the scale of each {@link StagedColumn#DECIMAL} column
   */
  record TableLayout(int[] sources, StagedColumn[] kinds, int[] precisions, int[] scales) {}

  @Override
  public void write(ObjectNode record, long rowNumber) {
    try {
      appender.beginRow();
      if (rowNumbers) {
        appender.append(rowNumber);
      }
      for (int i = 0; i < sources.length; i++) {
        if (sources[i] < 0) {
          appender.appendNull();
          continue;
        }
        JsonNode value = record.get(properties[i]);
        if (value == null || value.isNull()) {
          appender.appendNull();
          continue;
        }
        switch (staged[i]) {
          case BIGINT:
            appendLong(value, i);
            break;
          case HUGEINT:
            appendInteger(value, i);
            break;
          case DECIMAL:
            appendDecimal(value, i);
            break;
          case BOOLEAN:
            appendBoolean(value, i);
            break;
          case TIMESTAMP:
            appendTimestamp(value, i);
            break;
          default:
            String text = values.text(value, sources[i]);
            if (text == null) {
              appender.appendNull();
            } else {
              appender.append(text);
            }
        }
      }
      appender.endRow();
    } catch (SQLException e) {
      throw new JdbcLoadException("Could not append a record to the staging table", e);
    }
  }

  private void appendLong(JsonNode value, int index) throws SQLException {
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      appender.append(value.longValue());
      return;
    }
    BigInteger integer = integer(value, index);
    if (integer.bitLength() > 63) {
      throw refused(index, integer.toString(), "has more digits than its BIGINT column holds");
    }
    appender.append(integer.longValue());
  }

  private void appendInteger(JsonNode value, int index) throws SQLException {
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      long number = value.longValue();
      appender.appendHugeInt(number, number >> 63);
      return;
    }
    // beyond 64 bits (RecordValues marks the column for widening) or written as a decimal or text
    BigInteger integer = integer(value, index);
    if (integer.bitLength() > 127) {
      throw refused(index, integer.toString(), "has more digits than DuckDB's 128-bit integers hold");
    }
    appender.append(integer);
  }

  private BigInteger integer(JsonNode value, int index) {
    String text = values.text(value, sources[index]);
    try {
      return new BigDecimal(text.strip()).setScale(0, RoundingMode.HALF_UP).toBigIntegerExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw refused(index, text, "is not an integer");
    }
  }

  private void appendDecimal(JsonNode value, int index) throws SQLException {
    BigDecimal number;
    if (value.isNumber()) {
      number = value.decimalValue();
    } else {
      String text = values.text(value, sources[index]);
      try {
        number = new BigDecimal(text.strip());
      } catch (NumberFormatException e) {
        throw refused(index, text, "is not a number");
      }
    }
    int scale = scales[index];
    if (number.scale() != scale) {
      number = number.setScale(scale, RoundingMode.HALF_UP);
    }
    if (number.precision() > precisions[index] && number.signum() != 0) {
      throw refused(index, number.toPlainString(), "has more than " + (precisions[index] - scale)
          + " digits before the point, which its column DECIMAL(" + precisions[index] + "," + scale + ") cannot hold");
    }
    if (precisions[index] > 9 && number.precision() <= 18) {
      // the unscaled value as DuckDB stores it (64 or 128 bits), without its checks and BigInteger shifts
      long unscaled = number.unscaledValue().longValue();
      if (precisions[index] > 18) {
        appender.appendDecimal(unscaled, unscaled >> 63);
      } else {
        appender.appendDecimal(unscaled);
      }
      return;
    }
    appender.append(number);
  }

  private void appendBoolean(JsonNode value, int index) throws SQLException {
    if (value.isBoolean()) {
      appender.append(value.booleanValue());
      return;
    }
    String text = values.text(value, sources[index]).strip().toLowerCase(java.util.Locale.ROOT);
    switch (text) {
      case "true": case "t": case "yes": case "y": case "1":
        appender.append(true);
        break;
      case "false": case "f": case "no": case "n": case "0":
        appender.append(false);
        break;
      default:
        throw refused(index, text, "is not a boolean");
    }
  }

  private void appendTimestamp(JsonNode value, int index) throws SQLException {
    String text = values.text(value, sources[index]);
    if (text == null) {
      appender.appendNull();
      return;
    }
    long micros = epochMicros(text);
    if (micros == Long.MIN_VALUE) {
      Optional<Instant> parsed = Timestamps.tryParse(text);
      if (parsed.isEmpty()) {
        throw refused(index, text, "is not a timestamp");
      }
      Instant instant = parsed.get();
      micros = Math.addExact(Math.multiplyExact(instant.getEpochSecond(), MICROS_PER_SECOND), instant.getNano() / 1000);
    }
    appender.appendEpochMicros(micros);
  }

  /**
   * Microseconds since the epoch of {@code yyyy-MM-ddTHH:mm:ss[.fraction](Z|+HH:MM|-HH:MM)} (a
   * space may replace the {@code T}), the form nearly every tap writes; {@code Long.MIN_VALUE} for
   * any other form, which {@link Timestamps} then parses. Digits beyond microseconds are dropped.
   */
  static long epochMicros(String text) {
    int length = text.length();
    if (length < 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(13) != ':'
        || text.charAt(16) != ':' || (text.charAt(10) != 'T' && text.charAt(10) != ' ')) {
      return Long.MIN_VALUE;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 7);
    int day = digits(text, 8, 10);
    int hour = digits(text, 11, 13);
    int minute = digits(text, 14, 16);
    int second = digits(text, 17, 19);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
        || minute > 59 || second < 0 || second > 59) {
      return Long.MIN_VALUE;
    }
    int at = 19;
    long fraction = 0;
    if (text.charAt(at) == '.') {
      at++;
      int start = at;
      while (at < length && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
        if (at - start < 6) {
          fraction = fraction * 10 + (text.charAt(at) - '0');
        }
        at++;
      }
      if (at == start) {
        return Long.MIN_VALUE;
      }
      for (int place = at - start; place < 6; place++) {
        fraction *= 10;
      }
    }
    int offsetSeconds;
    if (at == length - 1 && text.charAt(at) == 'Z') {
      offsetSeconds = 0;
    } else if (at == length - 6 && (text.charAt(at) == '+' || text.charAt(at) == '-') && text.charAt(at + 3) == ':') {
      int offsetHours = digits(text, at + 1, at + 3);
      int offsetMinutes = digits(text, at + 4, at + 6);
      if (offsetHours < 0 || offsetHours > 18 || offsetMinutes < 0 || offsetMinutes > 59) {
        return Long.MIN_VALUE;
      }
      offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (text.charAt(at) == '-' ? -1 : 1);
    } else {
      return Long.MIN_VALUE;
    }
    if (day > daysInMonth(year, month)) {
      return Long.MIN_VALUE;
    }
    long days = epochDay(year, month, day);
    long seconds = days * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
    return seconds * MICROS_PER_SECOND + fraction;
  }

  private static int daysInMonth(int year, int month) {
    if (month == 2) {
      boolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
      return leap ? 29 : 28;
    }
    return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (years counted from March, no allocation). */
  static long epochDay(int year, int month, int day) {
    int marchYear = month <= 2 ? year - 1 : year;
    int era = Math.floorDiv(marchYear, 400);
    int yearOfEra = marchYear - era * 400;
    int marchMonth = month > 2 ? month - 3 : month + 9;
    int dayOfYear = (153 * marchMonth + 2) / 5 + day - 1;
    int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146_097L + dayOfEra - 719_468L;
  }

  /** The decimal number written by the digits from {@code start} to {@code end}, or -1. */
  private static int digits(String text, int start, int end) {
    int number = 0;
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      number = number * 10 + (c - '0');
    }
    return number;
  }

  private TaplineException refused(int index, String text, String why) {
    String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
    return new TaplineException("Property '" + properties[index] + "': the value '" + shown + "' " + why
        + "; fix the tap or the property's schema.");
  }

  @Override
  public void finish() {
    try {
      appender.close();
    } catch (SQLException e) {
      throw new JdbcLoadException("Could not finish appending a batch", e);
    }
  }

  @Override
  public void cancel() {
    try {
      appender.close();
    } catch (SQLException | RuntimeException ignored) {
      // the transaction is rolled back anyway
    }
  }

  /** How a column is staged: the appender writes each kind with its own typed call. */
  enum StagedColumn {
    /** Integers as {@code BIGINT}: a final table's integer column (values beyond 64 bits are refused). */
    BIGINT,
    /** Integers as DuckDB {@code HUGEINT}, so values beyond 64 bits fit until the column widens. */
    HUGEINT,
    /** {@code DECIMAL(p,s)} of the final column, values rounded to its scale. */
    DECIMAL,
    BOOLEAN,
    /** {@code TIMESTAMPTZ}, values as microseconds since the epoch. */
    TIMESTAMP,
    /** {@code VARCHAR}: text, and the kinds DuckDB casts from text in the merge (date, time, JSON). */
    TEXT;

    static StagedColumn of(ColumnType type) {
      switch (type.kind()) {
        case BIGINT:
          return HUGEINT;
        case NUMERIC:
          return type.precision() != null && type.precision() <= DuckDbDialect.MAX_DECIMAL_DIGITS ? DECIMAL : TEXT;
        case BOOLEAN:
          return BOOLEAN;
        case TIMESTAMP_TZ:
          return TIMESTAMP;
        default:
          return TEXT;
      }
    }
  }
}
