package dev.tapline.target.duckdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.TaplineException;
import dev.tapline.spec.Timestamps;
import dev.tapline.target.FlatRecord;
import dev.tapline.target.jdbc.Column;
import dev.tapline.target.jdbc.ColumnType;
import dev.tapline.target.jdbc.JdbcLoadException;
import dev.tapline.target.jdbc.RecordValues;
import dev.tapline.target.jdbc.StagingWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
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
  private static final long[] TEN_POWERS = new long[19];

  static {
    TEN_POWERS[0] = 1;
    for (int i = 1; i < TEN_POWERS.length; i++) {
      TEN_POWERS[i] = TEN_POWERS[i - 1] * 10;
    }
  }

  /** The appender records go into now; with a flushing thread two take turns (see {@link #handOver()}). */
  private DuckDBAppender appender;
  private final AppenderSource source;
  private final RecordValues values;
  private final boolean rowNumbers;
  /** For each appended column, the index of its column in {@link RecordValues}, or -1 for NULL. */
  private final int[] sources;
  private final String[] properties;
  private final StagedColumn[] staged;
  private final int[] precisions;
  private final int[] scales;
  /** Text columns whose value {@link RecordValues#text} gives as it is for a string (no NUL in it). */
  private final boolean[] textAsWritten;
  /** Text columns of dates, given as they are when the year is in range. */
  private final boolean[] dateText;

  static final String FLUSH_THREAD = "tapline.duckdb.flushThread";
  static final String FLUSH_ROWS = "tapline.duckdb.flushRows";
  /**
   * Rows an appender takes before it is handed to the flushing thread: one fewer than the 2,048 of
   * a DuckDB vector, at which the driver's appender flushes by itself, on the appending thread.
   */
  static final int DEFAULT_FLUSH_ROWS = 2047;
  /** Whether full appenders are flushed on a thread of their own (see {@link #flushThread()}). */
  private final boolean background = flushThread();
  private final int flushRows = Math.max(1, Math.min(DEFAULT_FLUSH_ROWS, Integer.getInteger(FLUSH_ROWS, DEFAULT_FLUSH_ROWS)));
  private int rowsSinceHandOver;
  /** The other appender of the pair, made at the first hand-over; null before. */
  private DuckDBAppender other;
  /** The flush of {@link #other} in progress on the flushing thread, or null. */
  private Future<?> otherFlush;
  private ExecutorService flusher;

  /** Opens an appender on the writer's table, on the batch's connection. */
  @FunctionalInterface
  interface AppenderSource {
    DuckDBAppender open() throws SQLException;
  }

  /** Into a staging table made by {@link DuckDbDialect#createStagingTable}. */
  AppenderStagingWriter(AppenderSource source, RecordValues values) throws SQLException {
    this(source, values, true, stagingLayout(values.columns()));
  }

  /** Into a table of the given layout, without row numbers. */
  AppenderStagingWriter(AppenderSource source, RecordValues values, TableLayout layout) throws SQLException {
    this(source, values, false, layout);
  }

  /** Into a table of the given layout; with row numbers, the table's first column holds them. */
  AppenderStagingWriter(AppenderSource source, RecordValues values, boolean rowNumbers, TableLayout layout)
      throws SQLException {
    this.source = source;
    this.appender = source.open();
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
    this.textAsWritten = new boolean[sources.length];
    this.dateText = new boolean[sources.length];
    for (int i = 0; i < sources.length; i++) {
      if (sources[i] >= 0 && staged[i] == StagedColumn.TEXT) {
        ColumnType.Kind kind = values.kind(sources[i]);
        textAsWritten[i] = kind == ColumnType.Kind.TEXT || kind == ColumnType.Kind.NUMERIC
            || kind == ColumnType.Kind.TIME || kind == ColumnType.Kind.OTHER;
        dateText[i] = kind == ColumnType.Kind.DATE;
      }
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
      appendRow(record, rowNumber);
      rowAppended();
    } catch (SQLException e) {
      throw new JdbcLoadException("Could not append a record to the staging table", e);
    }
  }

  /**
   * Takes a flat record; its values are appended straight from their JSON text where that gives
   * what {@link #write(ObjectNode, long)} gives for the same value (see {@link #appendRow(FlatRecord,
   * int[], long)}).
   */
  @Override
  public void write(FlatRecord record, int[] columnProperties, long rowNumber) {
    try {
      appendRow(record, columnProperties, rowNumber);
      rowAppended();
    } catch (SQLException e) {
      throw new JdbcLoadException("Could not append a record to the staging table", e);
    }
  }

  /**
   * Whether writers flush full appenders on a thread of their own: as the system property {@code
   * tapline.duckdb.flushThread} says, else when there are at least 4 processors.
   *
   * <p>DuckDB's part of a load (the flushes and the commits) runs one step at a time per
   * connection, about 1.2 CPU s per million rows of the benchmark's shape, and the loading thread's
   * own part (reading the appender calls' values, 0.6 CPU s) can overlap it. Alone on two cores (a
   * test without the reading thread), that loaded 983,040 rows in 0.78-0.85 s against 0.93-0.97 s.
   * But a whole run also has the reading thread (0.6 CPU s) and the JIT's compilers (0.65) to keep
   * busy: on 2 processors the four threads share the two cores evenly, DuckDB's steps wait for
   * their turn, and 1M rows took 2.11-2.41 s against 2.09-2.24 s without the thread.
   */
  static boolean flushThread() {
    String setting = System.getProperty(FLUSH_THREAD);
    return setting == null ? Runtime.getRuntime().availableProcessors() >= 4 : Boolean.parseBoolean(setting);
  }

  /** Counts a row into the appender; hands it over when it is full, with a flushing thread. */
  private void rowAppended() throws SQLException {
    if (background && ++rowsSinceHandOver == flushRows) {
      handOver();
    }
  }

  /**
   * Hands the appender, which holds {@link #flushRows} rows, to the flushing thread and goes on
   * with the other one of the pair (made now, the first time), once that one's own flush is done.
   *
   * <p>Appending a row only fills the appender's vectors; its flush is where DuckDB does its work
   * (copying the rows into the transaction's row groups, and compressing and writing each full row
   * group: about two thirds of a load's time on the loading thread). With two appenders on the
   * same connection, and so in the same transaction, the loading thread fills one while the other
   * is flushed. Flushes run one at a time and in the order the appenders were handed over, so rows
   * reach the table in the order they came.
   */
  private void handOver() throws SQLException {
    DuckDBAppender full = appender;
    if (other == null) {
      other = source.open();
      // from now on both are used from two threads, never at once: a hand-over happens before
      // the flush, and the wait for a flush before the next append to that appender
      full.unsafeBreakThreadConfinement();
      other.unsafeBreakThreadConfinement();
      flusher = java.util.concurrent.Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "duckdb-flusher");
        thread.setDaemon(true);
        return thread;
      });
    }
    Future<?> flushing = flusher.submit(() -> {
      full.flush();
      return null;
    });
    appender = other;
    other = full;
    Future<?> previous = otherFlush;
    otherFlush = flushing;
    rowsSinceHandOver = 0;
    awaitFlush(previous);
  }

  /** Waits for a flush and rethrows, on the loading thread, what failed in it. */
  private static void awaitFlush(Future<?> flush) throws SQLException {
    if (flush == null) {
      return;
    }
    boolean interrupted = false;
    try {
      while (true) {
        try {
          flush.get();
          return;
        } catch (InterruptedException e) {
          // the flush touches the connection: it must end before anything else may
          interrupted = true;
        }
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SQLException sql) {
        throw sql;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new JdbcLoadException("Could not append a record to the staging table", new SQLException(cause));
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void appendRow(ObjectNode record, long rowNumber) throws SQLException {
    appender.beginRow();
    if (rowNumbers) {
      appender.append(rowNumber);
    }
    for (int i = 0; i < sources.length; i++) {
      appendValue(sources[i] < 0 ? null : record.get(properties[i]), i);
    }
    appender.endRow();
  }

  /**
   * Appends a flat record's values straight from their JSON text where that gives what {@link
   * #appendRow(ObjectNode, long)} gives for the same value: integers, decimals that fit 18 digits
   * at the column's scale, booleans, timestamps of the usual form with a year in range, and
   * strings without escapes into text columns. Any other value goes the tree way, which also words
   * errors.
   */
  private void appendRow(FlatRecord record, int[] columnProperties, long rowNumber) throws SQLException {
    DuckDBAppender appender = this.appender;
    appender.beginRow();
    if (rowNumbers) {
      appender.append(rowNumber);
    }
    byte[] bytes = record.bytes();
    for (int i = 0; i < sources.length; i++) {
      int source = sources[i];
      int property = source < 0 ? -1 : columnProperties[source];
      int kind = property < 0 ? FlatRecord.MISSING : record.kind(property);
      if (kind <= FlatRecord.NULL) {
        Long version = property == StagingWriter.TABLE_VERSION ? record.version() : null;
        if (version == null) {
          appender.appendNull();
        } else if (staged[i] == StagedColumn.HUGEINT) {
          appender.appendHugeInt(version, version >> 63);
        } else if (staged[i] == StagedColumn.BIGINT) {
          appender.append(version.longValue());
        } else {
          appendValue(dev.tapline.spec.Json.NODES.numberNode(version.longValue()), i);
        }
        continue;
      }
      boolean appended = switch (staged[i]) {
        case BIGINT -> {
          if (kind != FlatRecord.INTEGER) {
            yield false;
          }
          appender.append(record.longValue(property));
          yield true;
        }
        case HUGEINT -> {
          if (kind != FlatRecord.INTEGER) {
            yield false;
          }
          long number = record.longValue(property);
          appender.appendHugeInt(number, number >> 63);
          yield true;
        }
        case DECIMAL -> (kind == FlatRecord.INTEGER || kind == FlatRecord.DECIMAL)
            && appendDecimal(bytes, record.start(property), record.end(property), i);
        case BOOLEAN -> {
          if (kind != FlatRecord.TRUE && kind != FlatRecord.FALSE) {
            yield false;
          }
          appender.append(kind == FlatRecord.TRUE);
          yield true;
        }
        case TIMESTAMP -> {
          if (kind != FlatRecord.ASCII) {
            yield false;
          }
          int start = record.start(property);
          int end = record.end(property);
          // out of range the tree way applies invalid_date_policy
          long micros = RecordValues.yearInRange(bytes, start, end) ? epochMicros(bytes, start, end) : Long.MIN_VALUE;
          if (micros == Long.MIN_VALUE) {
            yield false;
          }
          appender.appendEpochMicros(micros);
          yield true;
        }
        case TEXT -> {
          int start = record.start(property);
          int end = record.end(property);
          // a string without escapes holds no NUL, so RecordValues would load it as it is
          boolean plain = (kind == FlatRecord.ASCII || kind == FlatRecord.UTF8) && (textAsWritten[i]
              || (dateText[i] && kind == FlatRecord.ASCII && RecordValues.yearInRange(bytes, start, end)));
          if (!plain) {
            yield false;
          }
          appender.append(Arrays.copyOfRange(bytes, start, end));
          yield true;
        }
      };
      if (!appended) {
        appendValue(record.node(property), i);
      }
    }
    appender.endRow();
  }

  /**
   * Appends a number written in JSON without exponent ({@code -12.345}) to a decimal column as
   * its unscaled value: the digits beyond the column's scale rounded half up, as {@link
   * BigDecimal#setScale(int, RoundingMode)} does with {@link RoundingMode#HALF_UP}. False, having
   * appended nothing, when the value needs more than 18 digits at that scale or more than the
   * column's precision (the tree way then appends it or words the error).
   */
  private boolean appendDecimal(byte[] bytes, int start, int end, int index) throws SQLException {
    int scale = scales[index];
    int precision = precisions[index];
    boolean negative = bytes[start] == '-';
    int i = negative ? start + 1 : start;
    long magnitude = 0;
    int digits = 0;
    while (i < end && bytes[i] != '.') {
      magnitude = magnitude * 10 + (bytes[i] - '0');
      if (magnitude != 0) {
        digits++;
      }
      i++;
    }
    if (digits + scale > 18) {
      return false;
    }
    int fraction = 0;
    boolean roundUp = false;
    if (i < end) {
      i++;
      while (i < end && fraction < scale) {
        magnitude = magnitude * 10 + (bytes[i] - '0');
        fraction++;
        i++;
      }
      roundUp = i < end && bytes[i] >= '5';
    }
    for (; fraction < scale; fraction++) {
      magnitude *= 10;
    }
    if (roundUp) {
      magnitude++;
    }
    if (precision <= 18 && magnitude >= TEN_POWERS[precision]) {
      return false;
    }
    long unscaled = negative ? -magnitude : magnitude;
    if (precision > 18) {
      appender.appendDecimal(unscaled, unscaled >> 63);
    } else if (precision > 9) {
      appender.appendDecimal(unscaled);
    } else if (precision > 4) {
      appender.appendDecimal((int) unscaled);
    } else {
      appender.appendDecimal((short) unscaled);
    }
    return true;
  }

  /** Appends one value the tree way: null or a missing property as NULL. */
  private void appendValue(JsonNode value, int i) throws SQLException {
    if (value == null || value.isNull()) {
      appender.appendNull();
      return;
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

  /** {@link #epochMicros(byte[], int, int)} of a text. */
  static long epochMicros(String text) {
    // a character beyond Latin-1 becomes '?', which fails the form as the character itself would
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    return epochMicros(bytes, 0, bytes.length);
  }

  /**
   * Microseconds since the epoch of {@code yyyy-MM-ddTHH:mm:ss[.fraction](Z|+HH:MM|-HH:MM)} (a
   * space may replace the {@code T}) written in {@code bytes[start, end)}, the form nearly every
   * tap writes; {@code Long.MIN_VALUE} for any other form, which {@link Timestamps} then parses.
   * Digits beyond microseconds are dropped.
   */
  static long epochMicros(byte[] text, int start, int end) {
    int length = end - start;
    if (length < 20 || text[start + 4] != '-' || text[start + 7] != '-' || text[start + 13] != ':'
        || text[start + 16] != ':' || (text[start + 10] != 'T' && text[start + 10] != ' ')) {
      return Long.MIN_VALUE;
    }
    int year = digits(text, start, start + 4);
    int month = digits(text, start + 5, start + 7);
    int day = digits(text, start + 8, start + 10);
    int hour = digits(text, start + 11, start + 13);
    int minute = digits(text, start + 14, start + 16);
    int second = digits(text, start + 17, start + 19);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
        || minute > 59 || second < 0 || second > 59) {
      return Long.MIN_VALUE;
    }
    int at = start + 19;
    long fraction = 0;
    if (text[at] == '.') {
      at++;
      int fractionStart = at;
      while (at < end && text[at] >= '0' && text[at] <= '9') {
        if (at - fractionStart < 6) {
          fraction = fraction * 10 + (text[at] - '0');
        }
        at++;
      }
      if (at == fractionStart) {
        return Long.MIN_VALUE;
      }
      for (int place = at - fractionStart; place < 6; place++) {
        fraction *= 10;
      }
    }
    int offsetSeconds;
    if (at == end - 1 && text[at] == 'Z') {
      offsetSeconds = 0;
    } else if (at == end - 6 && (text[at] == '+' || text[at] == '-') && text[at + 3] == ':') {
      int offsetHours = digits(text, at + 1, at + 3);
      int offsetMinutes = digits(text, at + 4, at + 6);
      if (offsetHours < 0 || offsetHours > 18 || offsetMinutes < 0 || offsetMinutes > 59) {
        return Long.MIN_VALUE;
      }
      offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (text[at] == '-' ? -1 : 1);
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
  private static int digits(byte[] text, int start, int end) {
    int number = 0;
    for (int i = start; i < end; i++) {
      int c = text[i];
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

  /**
   * Waits for the flush in progress, if any, then flushes the last rows and closes the appenders:
   * every row is in the transaction when this returns.
   */
  @Override
  public void finish() {
    try {
      Future<?> previous = otherFlush;
      otherFlush = null;
      awaitFlush(previous);
      appender.close();
      if (other != null) {
        other.close();
      }
    } catch (SQLException e) {
      throw new JdbcLoadException("Could not finish appending a batch", e);
    } finally {
      stopFlusher();
    }
  }

  @Override
  public void cancel() {
    try {
      Future<?> previous = otherFlush;
      otherFlush = null;
      awaitFlush(previous);
    } catch (SQLException | RuntimeException ignored) {
      // the transaction is rolled back anyway
    }
    for (DuckDBAppender open : new DuckDBAppender[] {appender, other}) {
      try {
        if (open != null) {
          open.close();
        }
      } catch (SQLException | RuntimeException ignored) {
        // as above
      }
    }
    stopFlusher();
  }

  private void stopFlusher() {
    if (flusher != null) {
      flusher.shutdown();
      flusher = null;
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
