package dev.tapline.target.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapline.spec.Json;
import dev.tapline.target.FlatScans;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The same generated input (seeded) loaded once with records read flat and once with the flat
 * path turned off ({@code tapline.flatRecords=false}): the tables, the states echoed and any error
 * must be the same. Stream {@code values} has no date column, so its batches are appended straight
 * into the table (upserts while keys grow) or staged from the first key that does not grow; stream
 * {@code dated} has one (and a time and a typeless property), so its batches are always staged
 * and inserted or merged.
 */
class FlatRecordPathTest {

  private static final String FLAT_RECORDS = "tapline.flatRecords";
  private static final int RECORDS_PER_STREAM = 700;

  private static final String PROPERTIES = "\"id\":{\"type\":\"integer\"},"
      + "\"count\":{\"type\":[\"null\",\"integer\"]},"
      + "\"amount\":{\"type\":[\"null\",\"number\"],\"x-singer.decimal\":{\"precision\":38,\"scale\":7}},"
      + "\"price\":{\"type\":[\"null\",\"number\"],\"x-singer.decimal\":{\"precision\":12,\"scale\":4}},"
      + "\"small\":{\"type\":[\"null\",\"number\"],\"x-singer.decimal\":{\"precision\":6,\"scale\":2}},"
      + "\"tiny\":{\"type\":[\"null\",\"number\"],\"x-singer.decimal\":{\"precision\":4,\"scale\":1}},"
      + "\"ratio\":{\"type\":[\"null\",\"number\"]},"
      + "\"at\":{\"type\":[\"null\",\"string\"],\"format\":\"date-time\"},"
      + "\"note\":{\"type\":[\"null\",\"string\"]},"
      + "\"flag\":{\"type\":[\"null\",\"boolean\"]}";

  /**
   * Written by hand and loaded first, with what the table must hold for it: decimals rounded half
   * up to their column's scale (1.23456785 to 7 places is 1.2345679, -0.00005 to 4 is -0.0001,
   * -99.95 to 1 is -100.0, 0.0000000005 to 9 is 0.000000001), the timestamp as microseconds.
   */
  private static final String KNOWN_RECORD = "{\"id\":1,\"count\":-42,\"amount\":1.23456785,\"price\":-0.00005,"
      + "\"small\":12.345,\"tiny\":-99.95,\"ratio\":0.0000000005,\"at\":\"2024-03-01T10:15:30.1234567+05:30\","
      + "\"note\":\"caf\u00e9 \uD83D\uDE80\",\"flag\":false}";

  @TempDir Path temporary;

  /**
   * Without the flushing thread every record is appended and flushed by the loading thread; with
   * it, the two appenders of a batch take turns every 100 records (a batch of 64 never hands over).
   */
  @ParameterizedTest(name = "{0}, invalid_date_policy {1}, batches of {2}, flushing thread {3}")
  @CsvSource({"upsert, null, 64, false", "upsert, max, 64, false", "append-only, null, 64, false",
      "append-only, max, 64, false", "upsert, error, 64, false", "upsert, null, 1000, false",
      "upsert, null, 1000, true", "append-only, max, 1000, true", "upsert, error, 1000, true", "upsert, null, 64, true"})
  void flatAndTreePathsLoadTheSameRows(String loadMethod, String datePolicy, int batchSize, boolean flushThread)
      throws Exception {
    // under the error policy the first invalid date comes late, so some batches commit before the failure
    int invalidDatesFrom = datePolicy.equals("error") ? 500 : 0;
    Generator generator = new Generator(20261121L + loadMethod.hashCode() + datePolicy.hashCode());
    String messages = generator.messages(invalidDatesFrom);
    int records = 2 * RECORDS_PER_STREAM + 1;
    int flat = FlatScans.flatRecords(messages);
    assertTrue(flat > records / 2, "only " + flat + " of " + records + " records are read flat: the test would compare little");
    String settings = "\"batch_size_rows\":" + batchSize + ",\"load_method\":\"" + loadMethod + "\",\"invalid_date_policy\":\"" + datePolicy + "\"";

    Path flatDatabase = temporary.resolve("flat.duckdb");
    Path treeDatabase = temporary.resolve("tree.duckdb");
    Run flatRun;
    Run treeRun;
    System.setProperty(AppenderStagingWriter.FLUSH_THREAD, Boolean.toString(flushThread));
    System.setProperty(AppenderStagingWriter.FLUSH_ROWS, "100");
    try {
      flatRun = load(flatDatabase, messages, settings, true);
      treeRun = load(treeDatabase, messages, settings, false);
    } finally {
      System.clearProperty(AppenderStagingWriter.FLUSH_THREAD);
      System.clearProperty(AppenderStagingWriter.FLUSH_ROWS);
    }

    if (datePolicy.equals("error")) {
      assertEquals(1, treeRun.exitCode(), treeRun.errors());
      assertTrue(treeRun.errors().contains("invalid_date_policy"), treeRun.errors());
    } else {
      assertEquals(0, treeRun.exitCode(), treeRun.errors());
    }
    assertEquals(treeRun.exitCode(), flatRun.exitCode());
    assertEquals(treeRun.errors(), flatRun.errors());
    assertEquals(treeRun.states(), flatRun.states());
    try (Connection flatTables = DriverManager.getConnection("jdbc:duckdb:" + flatDatabase);
        Connection treeTables = DriverManager.getConnection("jdbc:duckdb:" + treeDatabase)) {
      // under the error policy a batch larger than a stream's records fails whole: no row is left
      boolean rowsCommitted = !datePolicy.equals("error") || batchSize < RECORDS_PER_STREAM;
      for (String table : List.of("values", "dated")) {
        List<String> expected = contents(treeTables, table);
        int columns = table.equals("values") ? 10 : 13;
        assertTrue(rowsCommitted ? expected.size() > columns + 100 : expected.size() == columns,
            table + " holds " + expected.size() + " lines");
        List<String> actual = contents(flatTables, table);
        assertEquals(expected.size(), actual.size(), table);
        if (!datePolicy.equals("error")) {
          int rows = loadMethod.equals("upsert") ? generator.keys(table) : generator.records(table);
          assertEquals(columns + rows, expected.size(), table + ": the column lines and a line for each row");
        }
        for (int i = 0; i < expected.size(); i++) {
          assertEquals(expected.get(i), actual.get(i), table + ", line " + i);
        }
      }
      assertEquals(rowsCommitted
              ? List.of("-42|1.2345679|-0.0001|12.35|-100.0|0.000000001|1709268330123456|caf\u00e9 \uD83D\uDE80|false")
              : List.of(),
          rows(flatTables, "SELECT concat_ws('|', count, amount, price, small, tiny, ratio, epoch_us(\"at\"), note, flag)"
              + " FROM main.\"values\" WHERE id = 1"));
    }
  }

  @Test
  void aDecimalThatRoundsBeyondItsColumnFailsAlikeOnBothPaths() throws Exception {
    String messages = "{\"type\":\"SCHEMA\",\"stream\":\"values\",\"schema\":{\"type\":\"object\",\"properties\":{"
        + PROPERTIES + "}},\"key_properties\":[\"id\"]}\n"
        + "{\"type\":\"RECORD\",\"stream\":\"values\",\"record\":{\"id\":1,\"tiny\":999.9}}\n"
        + "{\"type\":\"STATE\",\"value\":{\"done\":1}}\n"
        + "{\"type\":\"RECORD\",\"stream\":\"values\",\"record\":{\"id\":2,\"tiny\":999.95}}\n";
    assertEquals(2, FlatScans.flatRecords(messages));
    String settings = "\"batch_size_rows\":1";
    Path flatDatabase = temporary.resolve("flat.duckdb");
    Run flatRun = load(flatDatabase, messages, settings, true);
    Run treeRun = load(temporary.resolve("tree.duckdb"), messages, settings, false);
    assertEquals(1, flatRun.exitCode(), flatRun.errors());
    assertTrue(flatRun.errors().contains("'tiny'") && flatRun.errors().contains("DECIMAL(4,1)"), flatRun.errors());
    assertEquals(treeRun.errors(), flatRun.errors());
    assertEquals(treeRun.states(), flatRun.states());
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + flatDatabase)) {
      assertEquals(List.of("1|999.9"), rows(connection, "SELECT concat_ws('|', id, tiny) FROM main.\"values\""));
    }
  }

  private record Run(int exitCode, String states, String errors) {}

  private Run load(Path database, String messages, String settings, boolean flat) throws Exception {
    Path config = Files.createTempFile(temporary, "config", ".json");
    Files.writeString(config, "{\"path\":" + Json.write(Json.NODES.textNode(database.toString())) + "," + settings + "}");
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    if (!flat) {
      System.setProperty(FLAT_RECORDS, "false");
    }
    int code;
    try {
      code = new DuckDbTarget().execute(new ByteArrayInputStream(messages.getBytes(StandardCharsets.UTF_8)), stdout,
          new PrintStream(stderr, true, StandardCharsets.UTF_8), Map.of(), "--config", config.toString());
    } finally {
      System.clearProperty(FLAT_RECORDS);
    }
    String errors = stderr.toString(StandardCharsets.UTF_8).lines().filter(line -> line.startsWith("ERROR"))
        .collect(Collectors.joining("\n"));
    return new Run(code, stdout.toString(StandardCharsets.UTF_8), errors);
  }

  /** The table's column types, then its rows in order, each value as DuckDB writes it as text. */
  private static List<String> contents(Connection connection, String table) throws SQLException {
    List<String> lines = new ArrayList<>();
    try (PreparedStatement columns = connection.prepareStatement("SELECT column_name || ' ' || data_type"
        + " FROM information_schema.columns WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position")) {
      columns.setString(1, table);
      try (ResultSet result = columns.executeQuery()) {
        while (result.next()) {
          lines.add(result.getString(1));
        }
      }
    }
    if (lines.isEmpty()) {
      return lines;
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET TimeZone = 'UTC'");
      try (ResultSet result = statement.executeQuery("SELECT * FROM main.\"" + table + "\" ORDER BY ALL")) {
        int count = result.getMetaData().getColumnCount();
        while (result.next()) {
          StringBuilder line = new StringBuilder();
          for (int column = 1; column <= count; column++) {
            line.append(column == 1 ? "" : " | ").append(result.getString(column));
          }
          lines.add(line.toString());
        }
      }
    }
    return lines;
  }

  private static List<String> rows(Connection connection, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
      while (result.next()) {
        rows.add(result.getString(1));
      }
    }
    return rows;
  }

  /** Writes the input by hand, so the test chooses how each value is spelt in JSON. */
  private static final class Generator {

    private static final String[] PIECES = {"", "a", "plain text", "\\", "\"", "'", "\t", "\n", "\r\n", "\u0000",
        "/", "caf\u00e9", "\u00fc\u00df", "\uD83D\uDE80", "\u4e2d\u6587", "\u2028", "NULL", "\b", "\f", " ", "\u007f"};

    private final Random random;
    private int written;
    private final Map<String, java.util.Set<Long>> keys = new java.util.HashMap<>();
    private final Map<String, Integer> records = new java.util.HashMap<>();
    private int invalidDatesFrom;

    Generator(long seed) {
      this.random = new Random(seed);
    }

    String messages(int invalidDatesFrom) {
      this.invalidDatesFrom = invalidDatesFrom;
      StringBuilder messages = new StringBuilder();
      messages.append(schema("values", PROPERTIES));
      messages.append(schema("dated", PROPERTIES + ",\"day\":{\"type\":[\"null\",\"string\"],\"format\":\"date\"},"
          + "\"clock\":{\"type\":[\"null\",\"string\"],\"format\":\"time\"},\"anything\":{}"));
      messages.append("{\"type\":\"RECORD\",\"stream\":\"values\",\"record\":").append(KNOWN_RECORD).append("}\n");
      keys.computeIfAbsent("values", name -> new java.util.HashSet<>()).add(1L);
      records.merge("values", 1, Integer::sum);
      long[] nextId = {2, 2};
      for (int i = 0; i < 2 * RECORDS_PER_STREAM; i++) {
        int stream = random.nextInt(2);
        long id;
        if (nextId[stream] > 3 && random.nextInt(10) == 0) {
          // a key seen before, or one below the greatest: the rest of the batch is staged and merged
          id = 2 + random.nextInt((int) nextId[stream] - 2);
        } else {
          id = nextId[stream]++;
        }
        messages.append(record(stream == 0 ? "values" : "dated", id, stream == 1));
        if (i % 100 == 99) {
          messages.append("{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"values\":{\"written\":").append(i)
              .append("}}}}\n");
        }
      }
      return messages.toString();
    }

    private static String schema(String stream, String properties) {
      return "{\"type\":\"SCHEMA\",\"stream\":\"" + stream + "\",\"schema\":{\"type\":\"object\",\"properties\":{"
          + properties + "}},\"key_properties\":[\"id\"]}\n";
    }

    /** The distinct keys of a stream's records. */
    int keys(String stream) {
      return keys.get(stream).size();
    }

    /** The records written of a stream. */
    int records(String stream) {
      return records.get(stream);
    }

    private String record(String stream, long id, boolean dated) {
      written++;
      keys.computeIfAbsent(stream, name -> new java.util.HashSet<>()).add(id);
      records.merge(stream, 1, Integer::sum);
      List<String> fields = new ArrayList<>();
      fields.add("\"id\":" + id);
      optional(fields, "count", this::integer);
      optional(fields, "amount", () -> decimal(random.nextInt(4) == 0 ? 0 : 1L << random.nextInt(63), 11));
      optional(fields, "price", () -> decimal(10_000_000, 7));
      optional(fields, "small", () -> decimal(9_998, 5));
      optional(fields, "tiny", () -> decimal(998, 3));
      optional(fields, "ratio", () -> decimal(random.nextBoolean() ? 1 : 1_000_000, 13));
      optional(fields, "at", this::timestamp);
      optional(fields, "note", this::text);
      optional(fields, "flag", () -> random.nextBoolean() ? "true" : "false");
      if (dated) {
        optional(fields, "day", this::date);
        optional(fields, "clock", () -> "\"" + two(random.nextInt(24)) + ":" + two(random.nextInt(60)) + ":"
            + two(random.nextInt(60)) + (random.nextBoolean() ? "" : "." + random.nextInt(1000)) + "\"");
        optional(fields, "anything", () -> switch (random.nextInt(5)) {
          case 0 -> integer();
          case 1 -> decimal(1000, 4);
          case 2 -> text();
          case 3 -> random.nextBoolean() ? "true" : "false";
          default -> timestamp();
        });
      }
      if (random.nextInt(5) == 0) {
        Collections.shuffle(fields, random);
      }
      String separator = random.nextInt(20) == 0 ? ", " : ",";
      return "{\"type\":\"RECORD\",\"stream\":\"" + stream + "\",\"record\":{" + String.join(separator, fields) + "}}\n";
    }

    private void optional(List<String> fields, String name, java.util.function.Supplier<String> value) {
      int draw = random.nextInt(10);
      if (draw == 0) {
        return;
      }
      fields.add("\"" + name + "\":" + (draw == 1 ? "null" : value.get()));
    }

    private String integer() {
      int draw = random.nextInt(100);
      if (draw < 40) {
        return Integer.toString(random.nextInt(2001) - 1000);
      }
      if (draw < 98) {
        return Long.toString(random.nextLong() % 1_000_000_000_000_000_000L);
      }
      if (draw < 99) {
        return "-0";
      }
      // beyond 64 bits: read the ordinary way; the column widens
      return BigInteger.valueOf(random.nextLong()).multiply(BigInteger.valueOf(1_000_003)).toString();
    }

    /**
     * A number with an integer part below {@code bound} and up to {@code fractionDigits} digits
     * after the point, with many fives and nines there (rounding boundaries), at times with an
     * exponent or trailing zeros.
     */
    private String decimal(long bound, int fractionDigits) {
      StringBuilder text = new StringBuilder();
      if (random.nextBoolean()) {
        text.append('-');
      }
      text.append(bound <= 1 ? 0 : Math.floorMod(random.nextLong(), bound));
      int digits = random.nextInt(fractionDigits + 1);
      if (digits > 0) {
        text.append('.');
        for (int i = 0; i < digits; i++) {
          int draw = random.nextInt(10);
          text.append(draw < 3 ? '5' : draw < 5 ? '9' : draw < 6 ? '0' : (char) ('0' + random.nextInt(10)));
        }
      }
      if (random.nextInt(40) == 0) {
        BigDecimal value = new BigDecimal(text.toString());
        return value.scale() > 0 ? value.unscaledValue() + "e-" + value.scale() : value + "E0";
      }
      return text.toString();
    }

    private String timestamp() {
      if (written >= invalidDatesFrom && random.nextInt(25) == 0) {
        return "\"0000-01-01T00:00:00Z\"";
      }
      switch (random.nextInt(30)) {
        case 0:
          return "\"0001-01-01T00:00:00Z\"";
        case 1:
          return "\"9999-12-31T23:59:59.999999+00:00\"";
        case 2:
          return "\"2024-05-06\"";
        case 3:
          return "\"2024-05-06 07:08:09\"";
        case 4:
          return "\"2024-05-06t07:08:09+0530\"";
        default:
          break;
      }
      StringBuilder text = new StringBuilder("\"");
      text.append(1900 + random.nextInt(200)).append('-').append(two(1 + random.nextInt(12))).append('-')
          .append(two(1 + random.nextInt(28))).append(random.nextInt(10) == 0 ? ' ' : 'T')
          .append(two(random.nextInt(24))).append(':').append(two(random.nextInt(60))).append(':')
          .append(two(random.nextInt(60)));
      int fraction = random.nextInt(10);
      if (fraction > 0) {
        text.append('.');
        for (int i = 0; i < fraction; i++) {
          text.append((char) ('0' + random.nextInt(10)));
        }
      }
      int offset = random.nextInt(4);
      if (offset == 0) {
        text.append('Z');
      } else if (offset == 1) {
        text.append("+00:00");
      } else {
        text.append(random.nextBoolean() ? '+' : '-').append(two(random.nextInt(15))).append(':')
            .append(two(15 * random.nextInt(4)));
      }
      return text.append('"').toString();
    }

    private String date() {
      if (written >= invalidDatesFrom && random.nextInt(25) == 0) {
        return "\"0000-01-01\"";
      }
      return String.format("\"%04d-%s-%s\"", 1 + random.nextInt(9999), two(1 + random.nextInt(12)), two(1 + random.nextInt(28)));
    }

    private static String two(int number) {
      return number < 10 ? "0" + number : Integer.toString(number);
    }

    /** A JSON string of random pieces, each character written as it is or escaped, at random. */
    private String text() {
      StringBuilder value = new StringBuilder();
      for (int pieces = random.nextInt(5); pieces > 0; pieces--) {
        value.append(PIECES[random.nextInt(PIECES.length)]);
      }
      StringBuilder json = new StringBuilder("\"");
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == '"' || c == '\\') {
          json.append('\\').append(c);
        } else if (c == '\n') {
          json.append("\\n");
        } else if (c < 0x20 || (c > 0x7e && random.nextInt(3) == 0)) {
          json.append(String.format("\\u%04x", (int) c));
        } else if (c == '/' && random.nextBoolean()) {
          json.append("\\/");
        } else {
          json.append(c);
        }
      }
      return json.append('"').toString();
    }
  }
}
