package dev.tapline.target.jdbc.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.target.Target;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every SQL target shares, shown against a real database. A target's test extends
 * this class, gives a fresh empty database for each test ({@link #freshDatabase()}), a way to query
 * it, and the target. Streams land in schema {@value #SCHEMA}. Message files come from the
 * pipelinewise targets' own integration tests (see {@code NOTICE.md}).
 */
public abstract class SqlTargetContractTest {

  /** The {@code default_target_schema} of every test. */
  protected static final String SCHEMA = "tapline";

  @TempDir protected Path temporary;

  private ObjectNode database;

  /** A config naming a new, empty database (connection settings only). */
  protected abstract ObjectNode freshDatabase() throws Exception;

  /** A connection to the database of {@code config}, for checks. The caller closes it. */
  protected abstract Connection connect(ObjectNode config) throws SQLException;

  /** A new target instance. */
  protected abstract Target<?> newTarget();

  /** The target's main class, run in a child JVM by the kill test. */
  protected abstract String mainClass();

  /** JVM options of the target when a test runs it as a process of its own (the kill test). */
  protected List<String> subprocessOptions() {
    return List.of();
  }

  @BeforeEach
  void createDatabase() throws Exception {
    database = freshDatabase();
  }

  // ---- helpers

  /** The test's config: its database, schema {@value #SCHEMA}, plus {@code overrides}. */
  protected ObjectNode config(String... overrides) {
    ObjectNode config = database.deepCopy();
    config.put("default_target_schema", SCHEMA);
    for (int i = 0; i + 1 < overrides.length; i += 2) {
      config.set(overrides[i], Json.parse(overrides[i + 1]));
    }
    return config;
  }

  /**
   * The config for the pipelinewise message files: like their source project's tests, records are
   * not validated (several files hold values their own schemas do not allow).
   */
  protected ObjectNode fixtureConfig(String... overrides) {
    ObjectNode config = config(overrides);
    if (!config.has("validate_records")) {
      config.put("validate_records", false);
    }
    return config;
  }

  /**
   * A pipelinewise-target-snowflake file, as it is: its record schemas declare {@code "type":
   * "date-time"} at the top, which the SDK reads as an object schema (with a warning), as the
   * Python targets do.
   */
  protected static String snowflakeResource(String name) {
    return resource(name);
  }

  protected static JsonNode lastInputState(String messages) {
    JsonNode last = null;
    for (String line : messages.split("\n")) {
      JsonNode message = Json.parse(line);
      if (message.path("type").asText().equals("STATE")) {
        last = message.get("value");
      }
    }
    return last;
  }

  protected static String resource(String name) {
    try (InputStream in = SqlTargetContractTest.class.getResourceAsStream("/tapline-sql-contract/" + name)) {
      assertNotNull(in, "missing test resource " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  protected TargetProcess run(String messages, ObjectNode config) {
    return run(messages, config, new ByteArrayOutputStream());
  }

  protected TargetProcess run(String messages, ObjectNode config, OutputStream stdoutSink) {
    try {
      Path configFile = Files.createTempFile(temporary, "config", ".json");
      Files.writeString(configFile, Json.write(config));
      ByteArrayOutputStream stdout = new ByteArrayOutputStream();
      ByteArrayOutputStream stderr = new ByteArrayOutputStream();
      OutputStream both = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          stdout.write(b);
          stdoutSink.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
          stdout.write(bytes, offset, length);
          stdoutSink.write(bytes, offset, length);
        }
      };
      int code = newTarget().execute(
          new ByteArrayInputStream(messages.getBytes(StandardCharsets.UTF_8)), both,
          new PrintStream(stderr, true, StandardCharsets.UTF_8), Map.of(), "--config", configFile.toString());
      return new TargetProcess(code, TargetProcess.utf8(stdout.toByteArray()), TargetProcess.utf8(stderr.toByteArray()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  protected TargetProcess runOk(String messages, ObjectNode config) {
    TargetProcess process = run(messages, config);
    assertEquals(0, process.exitCode(), () -> "the target failed:\n" + process.stderr());
    return process;
  }

  /** Rows of a query, each a map of lower-case column label to value. */
  protected List<Map<String, Object>> query(String sql) {
    try (Connection connection = connect(database); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      return read(rows);
    } catch (SQLException e) {
      throw new AssertionError("query failed: " + sql + ": " + e.getMessage(), e);
    }
  }

  private static List<Map<String, Object>> read(ResultSet rows) throws SQLException {
    ResultSetMetaData meta = rows.getMetaData();
    List<Map<String, Object>> result = new ArrayList<>();
    while (rows.next()) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        row.put(meta.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), rows.getObject(i));
      }
      result.add(row);
    }
    return result;
  }

  protected long count(String table) {
    return ((Number) query("SELECT count(*) AS n FROM " + SCHEMA + "." + table).get(0).get("n")).longValue();
  }

  protected Set<String> columns(String table) {
    Set<String> names = new HashSet<>();
    for (Map<String, Object> row : query("SELECT column_name FROM information_schema.columns WHERE table_schema = '"
        + SCHEMA + "' AND table_name = '" + table + "'")) {
      names.add(String.valueOf(row.get("column_name")));
    }
    return names;
  }

  protected static String text(Object value) {
    return value == null ? null : value.toString();
  }

  protected static String schemaMessage(String stream, String properties, String keys) {
    return "{\"type\":\"SCHEMA\",\"stream\":\"" + stream + "\",\"schema\":{\"type\":\"object\",\"properties\":"
        + properties + "},\"key_properties\":" + keys + "}\n";
  }

  protected static String recordMessage(String stream, String record) {
    return "{\"type\":\"RECORD\",\"stream\":\"" + stream + "\",\"record\":" + record + "}\n";
  }

  private static String recordMessage(String stream, String record, long version) {
    return "{\"type\":\"RECORD\",\"stream\":\"" + stream + "\",\"record\":" + record + ",\"version\":" + version + "}\n";
  }

  protected static String state(String json) {
    return "{\"type\":\"STATE\",\"value\":" + json + "}\n";
  }

  // ---- the pipelinewise message files

  @Test
  void loadsSeveralStreamsWithTheirStates() {
    TargetProcess process = runOk(resource("messages-with-multiple-streams.json"), fixtureConfig());
    assertEquals(1, count("test_table_one"));
    assertEquals(2, count("test_table_two"));
    assertEquals(3, count("test_table_three"));
    assertEquals(3, count("test_table_four"));
    assertEquals(lastInputState(resource("messages-with-multiple-streams.json")), process.lastState());
    assertTrue(process.lastState().path("bookmarks").has("tap_mysql_test-test_table_four"));
    Map<String, Object> row = query("SELECT c_pk, c_varchar, c_int FROM " + SCHEMA + ".test_table_one").get(0);
    assertEquals(1L, ((Number) row.get("c_pk")).longValue());
    assertEquals("1", row.get("c_varchar"));
    assertTrue(columns("test_table_three").contains("c_time"));
  }

  @Test
  void hardDeleteRemovesRecordsMarkedDeleted() {
    runOk(resource("messages-with-multiple-streams.json"), fixtureConfig("hard_delete", "true"));
    assertEquals(1, count("test_table_two"));
    assertEquals(2, count("test_table_three"));
    assertEquals(2, count("test_table_four"));
  }

  @Test
  void keepsUnicodeExactly() {
    runOk(resource("messages-with-unicode-characters.json"), fixtureConfig());
    Map<Long, String> expected = new HashMap<>();
    for (String line : resource("messages-with-unicode-characters.json").split("\n")) {
      JsonNode message = Json.parse(line);
      if (message.path("type").asText().equals("RECORD")) {
        expected.put(message.get("record").get("c_pk").longValue(), message.get("record").get("c_varchar").asText());
      }
    }
    List<Map<String, Object>> rows = query("SELECT c_pk, c_varchar FROM " + SCHEMA + ".test_table_unicode");
    assertEquals(expected.size(), rows.size());
    for (Map<String, Object> row : rows) {
      assertEquals(expected.get(((Number) row.get("c_pk")).longValue()), row.get("c_varchar"));
    }
  }

  @Test
  void keepsLongTextsWhole() {
    runOk(resource("messages-with-long-texts.json"), fixtureConfig());
    long longest = 0;
    for (String line : resource("messages-with-long-texts.json").split("\n")) {
      JsonNode message = Json.parse(line);
      if (message.path("type").asText().equals("RECORD")) {
        longest = Math.max(longest, message.get("record").path("c_varchar").asText().length());
      }
    }
    assertTrue(longest > 1000, "the fixture has long texts");
    Object stored = query("SELECT max(length(c_varchar)) AS n FROM " + SCHEMA + ".test_table_long_texts").get(0).get("n");
    assertEquals(longest, ((Number) stored).longValue());
  }

  @Test
  void reservedWordsAndSpacesInTableNames() {
    runOk(resource("messages-with-reserved-name-as-table-name.json"), fixtureConfig());
    runOk(resource("messages-with-space-in-table-name.json"), fixtureConfig());
    assertTrue(count("\"order\"") > 0);
    assertTrue(count("table_with_space_and_uppercase") > 0);
  }

  @Test
  void nonDatabaseFriendlyColumnNamesAreSanitised() {
    runOk(resource("messages-with-non-db-friendly-columns.json"), fixtureConfig());
    assertTrue(columns("test_table_non_db_friendly_columns").containsAll(Set.of("c_pk", "camelcasecolumn", "minus_column")));
    assertEquals(List.of(Map.of("camelcasecolumn", "Dummy row 1", "minus_column", "Dummy row 1")),
        query("SELECT camelcasecolumn, minus_column FROM " + SCHEMA + ".test_table_non_db_friendly_columns WHERE c_pk = 1"));
  }

  @Test
  void nestedObjectsAreJsonOrFlattened() {
    runOk(resource("messages-with-nested-schema.json"), fixtureConfig());
    String nested = text(query("SELECT c_nested_object FROM " + SCHEMA + ".test_table_nested_schema").get(0).get("c_nested_object"));
    assertEquals(Json.parse("{\"nested_prop_1\": \"nested_value_1\", \"nested_prop_2\": \"nested_value_2\", "
        + "\"nested_prop_3\": {\"multi_nested_prop_1\": \"multi_value_1\", \"multi_nested_prop_2\": \"multi_value_2\"}}"),
        Json.parse(nested));
    assertEquals(Json.parse("[1, 2, 3]"),
        Json.parse(text(query("SELECT c_array FROM " + SCHEMA + ".test_table_nested_schema").get(0).get("c_array"))));

    ObjectNode flattened = freshSchemaConfig("flattened", "validate_records", "false", "flattening_enabled", "true", "flattening_max_depth", "10");
    runOk(resource("messages-with-nested-schema.json"), flattened);
    List<Map<String, Object>> rows = query("SELECT c_nested_object__nested_prop_1, "
        + "c_nested_object__nested_prop_3__multi_nested_prop_1 FROM flattened.test_table_nested_schema");
    assertEquals("nested_value_1", rows.get(0).get("c_nested_object__nested_prop_1"));
    assertEquals("multi_value_1", rows.get(0).get("c_nested_object__nested_prop_3__multi_nested_prop_1"));
  }

  private ObjectNode freshSchemaConfig(String schema, String... overrides) {
    ObjectNode config = config(overrides);
    config.put("default_target_schema", schema);
    return config;
  }

  @Test
  void invalidRecordsAreRejectedWhenValidating() {
    TargetProcess process = run(resource("messages-with-invalid-records.json"), config());
    assertEquals(1, process.exitCode());
    assertTrue(process.stderr().contains("ERROR"), process.stderr());
    assertTrue(process.stderr().contains("tap_mysql_test-test_table_invalid_record"), process.stderr());
    assertEquals(0, count("test_table_invalid_record"));
  }

  @Test
  void malformedInputFailsWithTheLineNumber() {
    TargetProcess invalidJson = run(resource("invalid-json.json"), config());
    assertEquals(1, invalidJson.exitCode());
    assertTrue(invalidJson.stderr().contains("3"), invalidJson.stderr());
    TargetProcess wrongOrder = run(resource("invalid-message-order.json"), config());
    assertEquals(1, wrongOrder.exitCode());
    assertTrue(wrongOrder.stderr().contains("before any SCHEMA"), wrongOrder.stderr());
  }

  @Test
  void incompatibleColumnChangeFailsByDefault() {
    runOk(resource("messages-with-multiple-streams.json"), fixtureConfig());
    TargetProcess process = run(resource("messages-with-multiple-streams-modified-column.json"), fixtureConfig());
    assertEquals(1, process.exitCode());
    assertTrue(process.stderr().contains("tap_mysql_test-test_table_two"), process.stderr());
    assertTrue(process.stderr().contains("c_date"), process.stderr());
    assertTrue(process.stderr().contains("timestamp_tz") && process.stderr().contains("text"), process.stderr());
    assertTrue(process.stderr().contains("schema_change_policy"), process.stderr());
  }

  @Test
  void incompatibleColumnChangeVersionsTheOldColumn() {
    runOk(resource("messages-with-multiple-streams.json"), fixtureConfig());
    runOk(resource("messages-with-multiple-streams-modified-column.json"), fixtureConfig("schema_change_policy", "\"version\""));
    Set<String> columns = columns("test_table_two");
    assertTrue(columns.contains("c_date"), columns.toString());
    assertTrue(columns.stream().anyMatch(c -> c.startsWith("c_date__")), columns.toString());
    assertTrue(columns("test_table_three").containsAll(Set.of("c_time", "c_time_renamed")));
  }

  // ---- state only after commit

  @ParameterizedTest
  @ValueSource(ints = {10, 1000})
  void echoesOnlyStatesWhoseRecordsAreCommitted(int batchSize) throws Exception {
    String messages = resource("messages-pg-logical-streams.json");
    List<String> lines = List.of(messages.split("\n"));
    List<JsonNode> inputStates = new ArrayList<>();
    for (String line : lines) {
      JsonNode message = Json.parse(line);
      if (message.path("type").asText().equals("STATE")) {
        inputStates.add(message.get("value"));
      }
    }
    ObjectNode config = fixtureConfig("batch_size_rows", String.valueOf(batchSize));
    List<String> problems = new ArrayList<>();
    int[] checked = {0};
    OutputStream checker = new OutputStream() {
      private final ByteArrayOutputStream line = new ByteArrayOutputStream();

      @Override
      public void write(int b) {
        if (b != '\n') {
          line.write(b);
          return;
        }
        JsonNode message = Json.parse(line.toString(StandardCharsets.UTF_8));
        line.reset();
        if (message.path("type").asText().equals("STATE")) {
          checked[0]++;
          checkCommittedBefore(lines, message.get("value"), problems);
        }
      }
    };
    TargetProcess process = run(messages, config, checker);
    assertEquals(0, process.exitCode(), process.stderr());
    assertTrue(problems.isEmpty(), problems.toString());
    List<JsonNode> echoed = process.states();
    assertEquals(echoed.size(), checked[0]);
    assertFalse(echoed.isEmpty());
    int position = 0;
    for (JsonNode state : echoed) {
      while (position < inputStates.size() && !inputStates.get(position).equals(state)) {
        position++;
      }
      assertTrue(position < inputStates.size(), "echoed a state the tap did not send, or out of order: " + state);
    }
    assertEquals(inputStates.get(inputStates.size() - 1), process.lastState());
    if (batchSize == 10) {
      assertTrue(echoed.size() > 2, "small batches move the state forward during the run: " + echoed.size());
    }
    assertTrue(count("logical1_edgydata") > 0 && count("logical2_table1") > 0);
  }

  /** Every record before the first input position of {@code state} must be in its table. */
  private void checkCommittedBefore(List<String> lines, JsonNode state, List<String> problems) {
    Map<String, Set<String>> keysBefore = new HashMap<>();
    for (String line : lines) {
      JsonNode message = Json.parse(line);
      String type = message.path("type").asText();
      if (type.equals("STATE") && message.get("value").equals(state)) {
        break;
      }
      if (type.equals("RECORD")) {
        String stream = message.get("stream").asText();
        keysBefore.computeIfAbsent(stream, s -> new HashSet<>()).add(message.get("record").get("cid").toString());
      }
    }
    for (Map.Entry<String, Set<String>> entry : keysBefore.entrySet()) {
      String table = entry.getKey().substring(entry.getKey().indexOf('-') + 1);
      String column = "cid";
      Set<String> stored = new HashSet<>();
      for (Map<String, Object> row : query("SELECT " + column + " AS k FROM " + SCHEMA + "." + table)) {
        stored.add(String.valueOf(row.get("k")));
      }
      for (String key : entry.getValue()) {
        if (!stored.contains(key.replace("\"", ""))) {
          problems.add("state " + state + " was echoed before record " + key + " of " + entry.getKey() + " was committed");
        }
      }
    }
  }

  // ---- upsert, versions, deletes

  @Test
  void upsertKeepsTheLastRecordOfEachKeyWithinAndAcrossRuns() {
    String stream = "people";
    String schema = schemaMessage(stream, "{\"id\":{\"type\":\"integer\"},\"name\":{\"type\":[\"null\",\"string\"]}}", "[\"id\"]");
    String first = schema + recordMessage(stream, "{\"id\":1,\"name\":\"a\"}") + recordMessage(stream, "{\"id\":2,\"name\":\"b\"}")
        + recordMessage(stream, "{\"id\":1,\"name\":\"c\"}") + state("{\"bookmarks\":{\"people\":{\"id\":2}}}");
    runOk(first, config());
    assertEquals(List.of(Map.of("id", 1L, "name", "c"), Map.of("id", 2L, "name", "b")), idNameRows("people"));
    String second = schema + recordMessage(stream, "{\"id\":2,\"name\":\"d\"}") + recordMessage(stream, "{\"id\":3,\"name\":\"e\"}")
        + recordMessage(stream, "{\"id\":2,\"name\":\"f\"}");
    runOk(second, config("batch_size_rows", "2"));
    assertEquals(List.of(Map.of("id", 1L, "name", "c"), Map.of("id", 2L, "name", "f"), Map.of("id", 3L, "name", "e")),
        idNameRows("people"));
  }

  /**
   * Where the dialect writes an upsert batch straight into the table while its keys are new, a key
   * that is not (an older one, or a repeat) must move the rest of the batch to the ordinary upsert
   * without losing or doubling a row.
   */
  @Test
  void upsertOfNewKeysThenOlderAndRepeatedKeysInOneBatch() {
    String stream = "items";
    String schema = schemaMessage(stream, "{\"id\":{\"type\":\"integer\"},\"name\":{\"type\":[\"null\",\"string\"]}}", "[\"id\"]");
    StringBuilder first = new StringBuilder(schema);
    for (int id = -2; id <= 5; id++) {
      first.append(recordMessage(stream, "{\"id\":" + id + ",\"name\":\"first " + id + "\"}"));
    }
    runOk(first.toString(), config());
    String second = schema
        + recordMessage(stream, "{\"id\":6,\"name\":\"new 6\"}")
        + recordMessage(stream, "{\"id\":7,\"name\":\"new 7\"}")
        + recordMessage(stream, "{\"id\":3,\"name\":\"changed 3\"}")
        + recordMessage(stream, "{\"id\":8,\"name\":\"new 8\"}")
        + recordMessage(stream, "{\"id\":7,\"name\":\"changed 7\"}")
        + recordMessage(stream, "{\"id\":-2,\"name\":null}");
    runOk(second, config());
    List<Map<String, Object>> expected = new ArrayList<>();
    for (long id = -2; id <= 8; id++) {
      Object name = id == -2 ? null : id == 3 ? "changed 3" : id == 7 ? "changed 7" : id > 5 ? "new " + id : "first " + id;
      Map<String, Object> row = new java.util.HashMap<>();
      row.put("id", id);
      row.put("name", name);
      expected.add(row);
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map<String, Object> row : query("SELECT id, name FROM " + SCHEMA + ".items ORDER BY id")) {
      Map<String, Object> copy = new java.util.HashMap<>();
      copy.put("id", ((Number) row.get("id")).longValue());
      copy.put("name", row.get("name"));
      rows.add(copy);
    }
    assertEquals(expected, rows);
  }

  /**
   * Generated records (seeded) reach the table and come back exactly: texts with
   * backslashes, tabs, line breaks, quotes and characters beyond the Basic Multilingual Plane,
   * decimals, integers beyond 64 bits, offsets in timestamps; on the first run as new keys, on the
   * second as an upsert over the same keys.
   */
  @Test
  void generatedValuesComeBackExactly() throws SQLException {
    String[] pieces = {"", "a", "\\", "\\N", "\t", "\n", "\r\n", "\"", "'", ",", "caf\u00e9", "\uD83D\uDE80",
        "\u4e2d\u6587", " ", "\\.", "\u2028", "NULL", "\b", "\f"};
    String stream = "values";
    String schema = schemaMessage(stream, "{\"id\":{\"type\":\"integer\"},\"text\":{\"type\":[\"null\",\"string\"]},"
        + "\"amount\":{\"type\":[\"null\",\"number\"],\"x-singer.decimal\":{\"precision\":38,\"scale\":7}},\"big\":{\"type\":[\"null\",\"integer\"]},"
        + "\"at\":{\"type\":[\"null\",\"string\"],\"format\":\"date-time\"}}", "[\"id\"]");
    java.util.Random random = new java.util.Random(20261121);
    for (int run = 0; run < 2; run++) {
      StringBuilder messages = new StringBuilder(schema);
      Map<Long, com.fasterxml.jackson.databind.node.ObjectNode> expected = new java.util.TreeMap<>();
      for (long id = 1; id <= 400; id++) {
        com.fasterxml.jackson.databind.node.ObjectNode record = Json.object();
        record.put("id", id);
        StringBuilder text = new StringBuilder();
        for (int p = random.nextInt(5); p > 0; p--) {
          text.append(pieces[random.nextInt(pieces.length)]);
        }
        record.put("text", text.toString());
        record.put("amount", new java.math.BigDecimal(java.math.BigInteger.valueOf(random.nextLong()), random.nextInt(8)));
        record.put("big", java.math.BigInteger.valueOf(random.nextLong()).multiply(java.math.BigInteger.valueOf(random.nextInt(3) + 1)));
        record.put("at", java.time.OffsetDateTime.ofInstant(java.time.Instant.ofEpochSecond(random.nextInt(2_000_000_000),
            random.nextInt(1_000_000) * 1000L), java.time.ZoneOffset.ofHoursMinutes(random.nextInt(25) - 12, 0)).toString());
        expected.put(id, record);
        messages.append(recordMessage(stream, Json.write(record)));
      }
      runOk(messages.toString(), config());
      List<Map<String, Object>> rows = query("SELECT id, \"text\", CAST(amount AS VARCHAR) AS amount,"
          + " CAST(big AS VARCHAR) AS big, \"at\" FROM "
          + SCHEMA + ".\"values\" ORDER BY id");
      assertEquals(expected.size(), rows.size());
      for (Map<String, Object> row : rows) {
        com.fasterxml.jackson.databind.node.ObjectNode record = expected.get(((Number) row.get("id")).longValue());
        assertEquals(record.get("text").textValue(), row.get("text"), "text of " + record);
        assertEquals(0, record.get("amount").decimalValue().compareTo(new java.math.BigDecimal((String) row.get("amount"))),
            "amount of " + record);
        assertEquals(record.get("big").bigIntegerValue().toString(), row.get("big"), "big of " + record);
        java.time.Instant at = java.time.OffsetDateTime.parse(record.get("at").textValue()).toInstant();
        Object stored = row.get("at");
        java.time.Instant back = stored instanceof java.sql.Timestamp timestamp ? timestamp.toInstant()
            : ((java.time.OffsetDateTime) stored).toInstant();
        assertEquals(at, back, "at of " + record);
      }
    }
  }

  /**
   * Records read flat (values taken from their JSON text) and records read as trees load the same
   * rows: the same seeded records, of every column kind and many spellings, go into one table with
   * the flat path and into another with it turned off ({@code tapline.flatRecords=false}), in two
   * runs (new keys, then an upsert over part of them), and every column must read back the same.
   */
  @Test
  void flatAndTreeReadingLoadTheSameRows() {
    String properties = "{\"id\":{\"type\":\"integer\"},\"i\":{\"type\":[\"null\",\"integer\"]},"
        + "\"amount\":{\"type\":[\"null\",\"number\"],\"x-singer.decimal\":{\"precision\":38,\"scale\":7}},"
        + "\"ratio\":{\"type\":[\"null\",\"number\"]},\"text\":{\"type\":[\"null\",\"string\"]},"
        + "\"at\":{\"type\":[\"null\",\"string\"],\"format\":\"date-time\"},\"day\":{\"type\":[\"null\",\"string\"],\"format\":\"date\"},"
        + "\"clock\":{\"type\":[\"null\",\"string\"],\"format\":\"time\"},\"ok\":{\"type\":[\"null\",\"boolean\"]},"
        + "\"meta\":{\"type\":[\"null\",\"object\"],\"properties\":{\"k\":{\"type\":\"string\"}}},"
        + "\"tags\":{\"type\":[\"null\",\"array\"],\"items\":{\"type\":\"string\"}},\"anything\":{},"
        + "\"_sdc_deleted_at\":{\"type\":[\"null\",\"string\"],\"format\":\"date-time\"}}";
    Map<String, String[]> values = new LinkedHashMap<>();
    values.put("i", new String[] {"0", "-5", "123456789012345678", "-9223372036854775808", "42", "null"});
    values.put("amount", new String[] {"2652.41", "-0.01", "0", "12", "1.5e3", "99999999999.1234567", "-0.0", "7.10"});
    values.put("ratio", new String[] {"3.14159265358979323846", "1e-5", "-0.0", "100", "0.5", "null"});
    values.put("text", new String[] {"\"plain\"", "\"caf\u00e9\"", "\"tab\\tand\\\\back\"", "\"nul\\u0000x\"", "\"\"",
        "\"\\u00e9\\ud83d\\ude80\"", "\"\u4e2d\u6587 \ud83d\ude80\"", "\"\\\\N\"", "\"quote \\\" here\"", "null"});
    values.put("at", new String[] {"\"2024-01-01T00:00:01Z\"", "\"2024-06-30T23:59:59.123456+05:30\"",
        "\"2024-01-01 10:00:00\"", "\"2024-01-01T10:00:00\"", "\"1999-12-31T23:59:59.5-08:00\"", "\"2024-03-01\""});
    values.put("day", new String[] {"\"2024-02-29\"", "\"0001-01-01\"", "\"9999-12-31\"", "null"});
    values.put("clock", new String[] {"\"12:30:00\"", "\"23:59:59.123\"", "\"00:00:00\""});
    values.put("ok", new String[] {"true", "false", "null"});
    values.put("meta", new String[] {"{\"k\":\"v\"}", "null", "{}"});
    values.put("tags", new String[] {"[\"a\",\"b\"]", "[]", "null"});
    values.put("anything", new String[] {"1", "\"x\"", "true", "2.5", "null", "{\"a\":[1]}"});
    values.put("_sdc_deleted_at", new String[] {"null", "null", "null", "null", "null", "null", "null", "null", "null",
        "\"2024-05-01T00:00:00Z\""});
    java.util.Random random = new java.util.Random(1121);
    for (int run = 0; run < 2; run++) {
      StringBuilder records = new StringBuilder();
      List<Long> ids = new ArrayList<>();
      for (long id = run == 0 ? 1 : 150; id <= (run == 0 ? 300 : 420); id++) {
        ids.add(id);
      }
      if (run == 1) {
        java.util.Collections.shuffle(ids, random);
      }
      for (long id : ids) {
        StringBuilder record = new StringBuilder("{\"id\":").append(id);
        for (Map.Entry<String, String[]> property : values.entrySet()) {
          if (random.nextInt(12) == 0) {
            continue;
          }
          String[] pool = property.getValue();
          record.append(",\"").append(property.getKey()).append("\":").append(pool[random.nextInt(pool.length)]);
        }
        records.append(record).append("}\n");
      }
      for (boolean flat : new boolean[] {true, false}) {
        String stream = flat ? "read_flat" : "read_tree";
        StringBuilder messages = new StringBuilder(schemaMessage(stream, properties, "[\"id\"]"));
        for (String record : records.toString().split("\n")) {
          // with a table version, as full-table taps send, and hard deletes: the version column is filled too
          messages.append(recordMessage(stream, record, 7 + run));
        }
        String before = System.getProperty("tapline.flatRecords");
        System.setProperty("tapline.flatRecords", Boolean.toString(flat));
        try {
          runOk(messages.toString(), config("batch_size_rows", "70", "hard_delete", "true"));
        } finally {
          if (before == null) {
            System.clearProperty("tapline.flatRecords");
          } else {
            System.setProperty("tapline.flatRecords", before);
          }
        }
      }
    }
    StringBuilder columns = new StringBuilder("id");
    for (String property : values.keySet()) {
      columns.append(", CAST(\"").append(property).append("\" AS VARCHAR) AS \"").append(property).append('"');
    }
    columns.append(", \"_sdc_table_version\"");
    List<Map<String, Object>> flatRows = query("SELECT " + columns + " FROM " + SCHEMA + ".read_flat ORDER BY id");
    List<Map<String, Object>> treeRows = query("SELECT " + columns + " FROM " + SCHEMA + ".read_tree ORDER BY id");
    // the deleted rows are gone, the others carry the version of the run that loaded them last
    assertTrue(treeRows.size() > 300 && treeRows.size() < 420, treeRows.size() + " rows");
    assertEquals(java.util.Set.of(7L, 8L), treeRows.stream().map(row -> ((Number) row.get("_sdc_table_version")).longValue())
        .collect(java.util.stream.Collectors.toSet()));
    assertEquals(treeRows.size(), flatRows.size());
    for (int i = 0; i < treeRows.size(); i++) {
      assertEquals(treeRows.get(i), flatRows.get(i), "row " + i);
    }
  }

  private List<Map<String, Object>> idNameRows(String table) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map<String, Object> row : query("SELECT id, name FROM " + SCHEMA + "." + table + " ORDER BY id")) {
      rows.add(Map.of("id", ((Number) row.get("id")).longValue(), "name", row.get("name")));
    }
    return rows;
  }

  @Test
  void appendOnlyAndOverwrite() {
    String stream = "events";
    String messages = schemaMessage(stream, "{\"id\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"}}", "[\"id\"]")
        + recordMessage(stream, "{\"id\":1,\"name\":\"a\"}") + recordMessage(stream, "{\"id\":1,\"name\":\"b\"}");
    runOk(messages, config("load_method", "\"append-only\""));
    runOk(messages, config("load_method", "\"append-only\""));
    assertEquals(4, count("events"));
    runOk(messages, config("load_method", "\"overwrite\"", "batch_size_rows", "1"));
    assertEquals(2, count("events"));
  }

  @Test
  void appendOnlyWidensAnIntegerColumnWhenAValueExceeds64Bits() {
    String stream = "counters";
    String messages = schemaMessage(stream, "{\"id\":{\"type\":\"integer\"},\"hits\":{\"type\":\"integer\"}}", "[]")
        + recordMessage(stream, "{\"id\":1,\"hits\":5}")
        + recordMessage(stream, "{\"id\":2,\"hits\":123456789012345678901234567890}")
        + recordMessage(stream, "{\"id\":3,\"hits\":7}");
    runOk(messages, config());
    List<Map<String, Object>> rows = query("SELECT id, hits FROM " + SCHEMA + ".counters ORDER BY id");
    assertEquals(3, rows.size());
    assertEquals(0, new BigDecimal("123456789012345678901234567890").compareTo(new BigDecimal(rows.get(1).get("hits").toString())));
    assertEquals(0, new BigDecimal("7").compareTo(new BigDecimal(rows.get(2).get("hits").toString())));
  }

  @Test
  void activateVersionMarksOrDeletesOlderVersions() {
    String stream = "items";
    String schema = schemaMessage(stream, "{\"id\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"}}", "[\"id\"]");
    String version1 = schema + "{\"type\":\"ACTIVATE_VERSION\",\"stream\":\"items\",\"version\":1}\n"
        + recordMessage(stream, "{\"id\":1,\"name\":\"a\"}", 1) + recordMessage(stream, "{\"id\":2,\"name\":\"b\"}", 1)
        + "{\"type\":\"ACTIVATE_VERSION\",\"stream\":\"items\",\"version\":1}\n";
    String version2 = schema + recordMessage(stream, "{\"id\":2,\"name\":\"c\"}", 2)
        + "{\"type\":\"ACTIVATE_VERSION\",\"stream\":\"items\",\"version\":2}\n";
    runOk(version1, config());
    runOk(version2, config());
    List<Map<String, Object>> rows = query("SELECT id, _sdc_deleted_at FROM " + SCHEMA + ".items ORDER BY id");
    assertEquals(2, rows.size());
    assertNotNull(rows.get(0).get("_sdc_deleted_at"), "row 1 belongs to version 1 only");
    assertNull(rows.get(1).get("_sdc_deleted_at"));

    ObjectNode hard = freshSchemaConfig("hard", "hard_delete", "true");
    run(version1, hard);
    run(version2, hard);
    List<Map<String, Object>> remaining = query("SELECT id, name FROM hard.items ORDER BY id");
    assertEquals(1, remaining.size());
    assertEquals("c", remaining.get(0).get("name"));
  }

  @Test
  void aSecondSchemaAddsAndWidensColumnsAndVersionsIncompatibleOnes() {
    String stream = "orders";
    runOk(schemaMessage(stream, "{\"id\":{\"type\":\"integer\"},\"qty\":{\"type\":\"integer\"},\"code\":{\"type\":\"string\"}}", "[\"id\"]")
        + recordMessage(stream, "{\"id\":1,\"qty\":5,\"code\":\"x\"}"), config());
    String second = schemaMessage(stream, "{\"id\":{\"type\":\"integer\"},\"qty\":{\"type\":\"number\"},"
        + "\"code\":{\"type\":\"integer\"},\"note\":{\"type\":\"string\"}}", "[\"id\"]")
        + recordMessage(stream, "{\"id\":2,\"qty\":2.5,\"code\":7,\"note\":\"new\"}");
    TargetProcess refused = run(second, config());
    assertEquals(1, refused.exitCode());
    assertTrue(refused.stderr().contains("column code") && refused.stderr().contains("orders"), refused.stderr());
    runOk(second, config("schema_change_policy", "\"version\""));
    Set<String> columns = columns("orders");
    assertTrue(columns.containsAll(Set.of("id", "qty", "code", "note")), columns.toString());
    assertTrue(columns.stream().anyMatch(c -> c.startsWith("code__")), columns.toString());
    Map<String, Object> row = query("SELECT qty, code, note FROM " + SCHEMA + ".orders WHERE id = 2").get(0);
    assertEquals(0, new BigDecimal("2.5").compareTo(new BigDecimal(row.get("qty").toString())));
    assertEquals(7L, ((Number) row.get("code")).longValue());
    assertEquals("new", row.get("note"));
    Map<String, Object> old = query("SELECT qty FROM " + SCHEMA + ".orders WHERE id = 1").get(0);
    assertEquals(0, new BigDecimal("5").compareTo(new BigDecimal(old.get("qty").toString())));
  }

  @Test
  void numbersAndTimestampsComeBackExactly() throws SQLException {
    String stream = "amounts";
    runOk(schemaMessage(stream, "{\"id\":{\"type\":\"integer\"},\"amount\":{\"type\":\"number\"},"
            + "\"price\":{\"type\":\"number\",\"x-singer.decimal\":{\"precision\":20,\"scale\":2}},"
            + "\"big\":{\"type\":\"integer\"},\"at\":{\"type\":\"string\",\"format\":\"date-time\"},"
            + "\"day\":{\"type\":\"string\",\"format\":\"date\"},\"flag\":{\"type\":\"boolean\"}}", "[\"id\"]")
        + recordMessage(stream, "{\"id\":1,\"amount\":99999999999999999.99,\"price\":0.10,\"big\":9223372036854775807,"
            + "\"at\":\"2024-03-01T10:15:30.123456+05:30\",\"day\":\"2024-02-29\",\"flag\":false}")
        + recordMessage(stream, "{\"id\":2,\"amount\":-4.8,\"price\":-1.25,\"big\":123456789012345678901234567890,"
            + "\"at\":\"1999-12-31T23:59:59Z\",\"day\":\"0001-01-01\",\"flag\":true}"), config());
    try (Connection connection = connect(config()); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT amount, price, big, \"at\", day, flag FROM " + SCHEMA + ".amounts ORDER BY id")) {
      assertTrue(rows.next());
      assertEquals(new BigDecimal("99999999999999999.99"), rows.getBigDecimal("amount").stripTrailingZeros().setScale(2));
      assertEquals(new BigDecimal("0.10"), rows.getBigDecimal("price"));
      assertEquals(new BigDecimal("9223372036854775807"), new BigDecimal(rows.getString("big")));
      OffsetDateTime at = rows.getObject("at", OffsetDateTime.class);
      assertTrue(OffsetDateTime.parse("2024-03-01T10:15:30.123456+05:30").isEqual(at), String.valueOf(at));
      assertEquals("2024-02-29", rows.getString("day"));
      assertFalse(rows.getBoolean("flag"));
      assertTrue(rows.next());
      assertEquals(0, new BigDecimal("-4.8").compareTo(rows.getBigDecimal("amount")));
      assertEquals(0, new BigDecimal("123456789012345678901234567890").compareTo(new BigDecimal(rows.getString("big"))));
      assertTrue(OffsetDateTime.parse("1999-12-31T23:59:59Z").isEqual(rows.getObject("at", OffsetDateTime.class)));
    }
  }

  @Test
  void textWithNulCharactersAndDatesOutOfRange() {
    String stream = "odd";
    String messages = schemaMessage(stream, "{\"id\":{\"type\":\"integer\"},\"note\":{\"type\":\"string\"},"
            + "\"at\":{\"type\":[\"null\",\"string\"],\"format\":\"date-time\"}}", "[\"id\"]")
        + recordMessage(stream, "{\"id\":1,\"note\":\"a\\u0000b\",\"at\":\"10000-01-01T00:00:00Z\"}");
    // a five-digit year is not RFC 3339 either: only a target that does not validate sees it
    TargetProcess refused = run(messages, config("validate_records", "false"));
    assertEquals(1, refused.exitCode());
    assertTrue(refused.stderr().contains("invalid_date_policy"), refused.stderr());
    TargetProcess loaded = runOk(messages, config("validate_records", "false", "invalid_date_policy", "\"null\""));
    assertTrue(loaded.stderr().contains("NUL"), loaded.stderr());
    Map<String, Object> row = query("SELECT note, \"at\" FROM " + SCHEMA + ".odd").get(0);
    assertEquals("ab", row.get("note"));
    assertNull(row.get("at"));
    runOk(messages, config("validate_records", "false", "invalid_date_policy", "\"max\""));
    assertTrue(text(query("SELECT \"at\" FROM " + SCHEMA + ".odd").get(0).get("at")).startsWith("9999-12-31"));
  }

  @Test
  void recordMetadataColumnsAreFilled() {
    String stream = "tracked";
    runOk(schemaMessage(stream, "{\"id\":{\"type\":\"integer\"}}", "[\"id\"]")
        + "{\"type\":\"RECORD\",\"stream\":\"tracked\",\"record\":{\"id\":1},\"version\":5,"
        + "\"time_extracted\":\"2024-01-02T03:04:05Z\"}\n", config("add_record_metadata", "true"));
    assertTrue(columns("tracked").containsAll(Set.of("_sdc_extracted_at", "_sdc_received_at", "_sdc_batched_at",
        "_sdc_deleted_at", "_sdc_sequence", "_sdc_table_version")), columns("tracked").toString());
    Map<String, Object> row = query("SELECT _sdc_batched_at, _sdc_sequence, _sdc_table_version, _sdc_deleted_at"
        + " FROM " + SCHEMA + ".tracked").get(0);
    assertNotNull(row.get("_sdc_batched_at"));
    assertNotNull(row.get("_sdc_sequence"));
    assertEquals(5L, ((Number) row.get("_sdc_table_version")).longValue());
    assertNull(row.get("_sdc_deleted_at"));
    try (Connection connection = connect(config()); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT _sdc_extracted_at FROM " + SCHEMA + ".tracked")) {
      assertTrue(rows.next());
      assertTrue(OffsetDateTime.parse("2024-01-02T03:04:05Z").isEqual(rows.getObject(1, OffsetDateTime.class)));
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  // ---- primary keys

  @Test
  void falsyKeyValuesAreKeys() {
    runOk(snowflakeResource("messages-with-falsy-pk-values.json"), config());
    List<Map<String, Object>> rows = query("SELECT id, c_bool, results FROM " + SCHEMA + ".test_simple_table ORDER BY id");
    assertTrue(rows.stream().anyMatch(r -> ((Number) r.get("id")).longValue() == 0 && Boolean.FALSE.equals(r.get("c_bool"))), rows.toString());
    assertTrue(rows.stream().anyMatch(r -> ((Number) r.get("id")).longValue() == 0 && Boolean.TRUE.equals(r.get("c_bool"))), rows.toString());
  }

  @Test
  void nullKeyValuesFailClearly() {
    TargetProcess validated = run(snowflakeResource("messages-with-null-pk.json"), config());
    assertEquals(1, validated.exitCode());
    assertTrue(validated.stderr().contains("$.id"), validated.stderr());
    TargetProcess unvalidated = run(snowflakeResource("messages-with-null-pk.json"), fixtureConfig());
    assertEquals(1, unvalidated.exitCode());
    assertTrue(unvalidated.stderr().contains("key property 'id'"), unvalidated.stderr());
    assertEquals(0, count("test_simple_table"), "the batch with a null key is not committed");
  }

  @Test
  void theKeyFollowsWhenKeyPropertiesChange() {
    runOk(snowflakeResource("messages-with-changing-pk.json"), config());
    assertEquals(6, count("test_simple_table"));
    runOk(snowflakeResource("messages-with-new-pk.json"), freshSchemaConfig("new_pk"));
    String upsert = schemaMessage("tap_mysql_test-test_simple_table", "{\"id\":{\"type\":[\"integer\"]},\"name\":{\"type\":\"string\"},"
        + "\"results\":{\"type\":[\"null\",\"string\"]}}", "[\"id\",\"name\"]")
        + recordMessage("tap_mysql_test-test_simple_table", "{\"id\":6,\"name\":\"B\",\"results\":\"changed\"}");
    runOk(upsert, config());
    assertEquals(6, count("test_simple_table"));
    assertEquals("changed", query("SELECT results FROM " + SCHEMA + ".test_simple_table WHERE id = 6").get(0).get("results"));
  }

  // ---- crash safety

  @Test
  void aKilledLoadLeavesNoPartialBatchAndStateNotAhead() throws Exception {
    String stream = "big";
    int batch = 5000;
    Path input = temporary.resolve("big.jsonl");
    try (var writer = Files.newBufferedWriter(input)) {
      writer.write(schemaMessage(stream, "{\"id\":{\"type\":\"integer\"},\"note\":{\"type\":\"string\"}}", "[\"id\"]"));
      for (int i = 1; i <= 400_000; i++) {
        writer.write(recordMessage(stream, "{\"id\":" + i + ",\"note\":\"row " + i + " with some text to make it longer\"}"));
        if (i % 1000 == 0) {
          writer.write(state("{\"bookmarks\":{\"big\":{\"id\":" + i + "}}}"));
        }
      }
    }
    Path configFile = temporary.resolve("kill-config.json");
    Files.writeString(configFile, Json.write(config("batch_size_rows", String.valueOf(batch))));
    Path out = temporary.resolve("out.jsonl");
    List<String> command = new ArrayList<>(List.of(javaExecutable()));
    command.addAll(subprocessOptions());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass(), "--config", configFile.toString()));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectInput(input.toFile()).redirectOutput(out.toFile()).redirectError(temporary.resolve("err.txt").toFile());
    Process process = builder.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && countStates(out) < 3 && process.isAlive()) {
      Thread.sleep(20);
    }
    assertTrue(process.isAlive(), "the load finished before it could be killed; make the input bigger");
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    List<String> lines = Files.readAllLines(out);
    long lastBookmark = 0;
    for (String line : lines) {
      if (line.contains("\"STATE\"")) {
        lastBookmark = Json.parse(line).at("/value/bookmarks/big/id").longValue();
      }
    }
    long rows = count("big");
    assertEquals(0, rows % batch, "a partial batch is visible: " + rows + " rows");
    assertTrue(rows >= lastBookmark, "state " + lastBookmark + " is ahead of the data (" + rows + " rows)");
    assertTrue(rows < 400_000);
    TargetProcess rerun = run(Files.readString(input), config("batch_size_rows", "100000"));
    assertEquals(0, rerun.exitCode(), rerun.stderr());
    assertEquals(400_000, count("big"));
  }

  private static long countStates(Path out) throws IOException {
    if (!Files.exists(out)) {
      return 0;
    }
    return Files.readAllLines(out).stream().filter(l -> l.contains("\"STATE\"")).count();
  }

  private static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
