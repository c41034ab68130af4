package dev.tapline.target.snowflake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.target.jdbc.ColumnType;
import dev.tapline.target.jdbc.TableName;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL the target sends: types chosen from schemas, and every identifier quoted in the
 * statements of a load (create, alter, copy, merge), checked over the pipelinewise message files
 * with reserved words, spaces, capitals and punctuation in stream and property names.
 */
class SnowflakeSqlTest {

  @TempDir Path folder;

  private static final SnowflakeDialect DIALECT = new SnowflakeDialect(9);

  /** Every word the target's SQL may hold outside quoted names and literals. */
  private static final Set<String> KEYWORDS = Set.of(
      "CREATE", "SCHEMA", "IF", "NOT", "EXISTS", "TABLE", "PRIMARY", "KEY", "ALTER", "ADD", "COLUMN", "SET", "DATA",
      "TYPE", "NUMBER", "VARCHAR", "TIMESTAMP_TZ", "BOOLEAN", "DATE", "TIME", "VARIANT", "FLOAT", "OR", "REPLACE",
      "TRANSIENT", "DATA_RETENTION_TIME_IN_DAYS", "COPY", "INTO", "FROM", "FILES", "FILE_FORMAT", "CSV",
      "COMPRESSION", "GZIP", "FIELD_DELIMITER", "RECORD_DELIMITER", "SKIP_HEADER", "FIELD_OPTIONALLY_ENCLOSED_BY",
      "ESCAPE", "NONE", "ESCAPE_UNENCLOSED_FIELD", "NULL_IF", "EMPTY_FIELD_AS_NULL", "TRUE", "FALSE",
      "ERROR_ON_COLUMN_COUNT_MISMATCH", "ENCODING", "TIMESTAMP_FORMAT", "DATE_FORMAT", "TIME_FORMAT", "ON_ERROR",
      "ABORT_STATEMENT", "PURGE", "MERGE", "AS", "USING", "SELECT", "QUALIFY", "ROW_NUMBER", "OVER", "PARTITION",
      "BY", "ORDER", "DESC", "ON", "AND", "WHEN", "MATCHED", "THEN", "UPDATE", "INSERT", "VALUES", "DROP", "REMOVE",
      "PUT", "PARALLEL", "AUTO_COMPRESS", "SOURCE_COMPRESSION", "OVERWRITE", "PARSE_JSON", "NULL", "IS", "DELETE",
      "WHERE", "BEGIN", "TRANSACTION", "COMMIT", "CURRENT_TIMESTAMP", "LIKE", "SWAP", "WITH", "RENAME", "TO");

  private static final Pattern QUOTED_NAME = Pattern.compile("\"(?:[^\"]|\"\")*\"");
  private static final Pattern LITERAL = Pattern.compile("'(?:[^'\\\\]|\\\\.)*'");
  private static final Pattern STAGE = Pattern.compile("@\\S+");
  private static final Pattern WORD = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");

  @Test
  void columnTypesAreExact() {
    assertEquals("NUMBER(38,0)", DIALECT.typeName(ColumnType.BIGINT));
    assertEquals("NUMBER(38,9)", DIALECT.typeName(DIALECT.columnType(ColumnType.NUMERIC)));
    assertEquals("NUMBER(38,2)", DIALECT.typeName(DIALECT.columnType(new ColumnType(ColumnType.Kind.NUMERIC, null, 2))));
    assertEquals("NUMBER(20,2)", DIALECT.typeName(DIALECT.columnType(ColumnType.numeric(20, 2))));
    assertEquals("NUMBER(38,4)", DIALECT.typeName(DIALECT.columnType(ColumnType.numeric(60, 4))), "capped at 38 digits");
    assertEquals("TIMESTAMP_TZ(9)", DIALECT.typeName(ColumnType.TIMESTAMP_TZ));
    assertEquals("DATE", DIALECT.typeName(ColumnType.DATE));
    assertEquals("TIME(9)", DIALECT.typeName(ColumnType.TIME));
    assertEquals("BOOLEAN", DIALECT.typeName(ColumnType.BOOLEAN));
    assertEquals("VARIANT", DIALECT.typeName(ColumnType.JSON));
    assertEquals("VARCHAR", DIALECT.typeName(ColumnType.TEXT));
    assertEquals("FLOAT", DIALECT.typeName(SnowflakeDialect.DOUBLE));
    assertEquals(ColumnType.BIGINT, DIALECT.parseType("NUMBER", 38, 0));
    assertEquals(ColumnType.numeric(20, 2), DIALECT.parseType("NUMBER", 20, 2));
    assertEquals(ColumnType.JSON, DIALECT.parseType("VARIANT", null, null));
    assertEquals(ColumnType.TIMESTAMP_TZ, DIALECT.parseType("TIMESTAMP_TZ", null, null));
    assertEquals(SnowflakeDialect.DOUBLE, DIALECT.parseType("FLOAT", null, null));
  }

  @Test
  void namesAreUpperCaseAndQuoted() {
    assertEquals("\"ORDER\"", DIALECT.quote("order"));
    assertEquals("\"A\"\"B\"", DIALECT.quote("a\"b"));
    assertEquals("\"TAPLINE\".\"TABLE_WITH_SPACE\"", new TableName("tapline", "table_with_space").sql(DIALECT));
  }

  @Test
  void widenedNumbersKeepTheirValuesThroughANewColumn() {
    TableName table = new TableName("s", "t");
    assertEquals(List.of("ALTER TABLE \"S\".\"T\" ALTER COLUMN \"QTY\" SET DATA TYPE NUMBER(30,2)"),
        DIALECT.widenColumn(table, "qty", ColumnType.numeric(20, 2), ColumnType.numeric(30, 2)));
    assertEquals(List.of(
        "ALTER TABLE \"S\".\"T\" ADD COLUMN \"QTY__TAPLINE_WIDEN\" NUMBER(38,9)",
        "UPDATE \"S\".\"T\" SET \"QTY__TAPLINE_WIDEN\" = \"QTY\"",
        "ALTER TABLE \"S\".\"T\" DROP COLUMN \"QTY\"",
        "ALTER TABLE \"S\".\"T\" RENAME COLUMN \"QTY__TAPLINE_WIDEN\" TO \"QTY\""),
        DIALECT.widenColumn(table, "qty", ColumnType.BIGINT, ColumnType.numeric(38, 9)));
  }

  private record Run(int exitCode, String stderr) {}

  private Run run(FakeSession session, String messages, String... settings) throws IOException {
    ObjectNode config = Json.object();
    config.put("account", "example-account");
    config.put("user", "loader");
    config.put("password", "unused");
    config.put("database", "analytics");
    config.put("default_target_schema", "tapline");
    config.put("validate_records", false);
    config.put("local_staging_path", folder.resolve("local").toString());
    for (int i = 0; i + 1 < settings.length; i += 2) {
      config.set(settings[i], Json.parse(settings[i + 1]));
    }
    Path file = Files.createTempFile(folder, "config", ".json");
    Files.writeString(file, Json.write(config));
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int code = new SnowflakeTarget(s -> session, millis -> {}).execute(
        new ByteArrayInputStream(messages.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(),
        new PrintStream(stderr, true, StandardCharsets.UTF_8), Map.of(), "--config", file.toString());
    return new Run(code, stderr.toString(StandardCharsets.UTF_8));
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = SnowflakeSqlTest.class.getResourceAsStream("/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The words of a statement outside quoted names, string literals and stage locations. */
  private static List<String> bareWords(String sql) {
    // stage paths hold the safe names as folders ([a-z0-9_] only), not as identifiers
    String rest = QUOTED_NAME.matcher(LITERAL.matcher(STAGE.matcher(sql).replaceAll(" ")).replaceAll(" ")).replaceAll(" ");
    List<String> words = new ArrayList<>();
    Matcher matcher = WORD.matcher(rest);
    while (matcher.find()) {
      words.add(matcher.group());
    }
    return words;
  }

  private static void assertEveryNameQuoted(List<String> statements) {
    assertFalse(statements.isEmpty());
    for (String sql : statements) {
      for (String word : bareWords(sql)) {
        assertTrue(KEYWORDS.contains(word), "'" + word + "' is neither quoted nor a keyword in: " + sql);
      }
    }
  }

  @Test
  void createCopyAndMergeQuoteReservedAndOddNames() throws IOException {
    for (String fixture : List.of("messages-with-reserved-name-as-table-name.json",
        "messages-with-space-in-table-name.json", "messages-with-non-db-friendly-columns.json",
        "messages-with-unicode-characters.json", "messages-with-nested-schema.json")) {
      FakeSession session = new FakeSession(new ArrayList<>());
      Run run = run(session, resource(fixture));
      assertEquals(0, run.exitCode(), fixture + ": " + run.stderr());
      List<String> kinds = session.statements.stream().map(FakeSession::step).toList();
      assertTrue(kinds.containsAll(List.of("create-table", "copy", "merge")), fixture + ": " + kinds);
      assertEveryNameQuoted(session.statements);
    }
  }

  @Test
  void reservedWordsBecomeQuotedUpperCaseNames() throws IOException {
    FakeSession session = new FakeSession(new ArrayList<>());
    assertEquals(0, run(session, resource("messages-with-reserved-name-as-table-name.json")).exitCode());
    String create = session.statements.stream().filter(s -> s.startsWith("CREATE TABLE")).findFirst().orElseThrow();
    assertTrue(create.startsWith("CREATE TABLE IF NOT EXISTS \"TAPLINE\".\"ORDER\" (\"DATA\" VARCHAR"), create);
    String merge = session.statements.stream().filter(s -> s.startsWith("MERGE")).findFirst().orElseThrow();
    assertTrue(merge.startsWith("MERGE INTO \"TAPLINE\".\"ORDER\" AS \"_TAPLINE_TARGET\""), merge);

    FakeSession spaces = new FakeSession(new ArrayList<>());
    assertEquals(0, run(spaces, resource("messages-with-space-in-table-name.json")).exitCode());
    assertTrue(spaces.statements.stream().anyMatch(s -> s.startsWith(
        "CREATE TABLE IF NOT EXISTS \"TAPLINE\".\"TABLE_WITH_SPACE_AND_UPPERCASE\"")), spaces.statements.toString());
  }

  @Test
  void alterStatementsQuoteNamesToo() throws IOException {
    Map<String, ColumnType> existing = new LinkedHashMap<>();
    existing.put("FROM", ColumnType.BIGINT);
    existing.put("GROUP", ColumnType.BIGINT);
    existing.put("WHERE", ColumnType.TEXT);
    existing.put("LIMIT", ColumnType.numeric(10, 2));
    FakeSession session = new FakeSession(new ArrayList<>()).withTable("tapline", "select", existing);
    String messages = "{\"type\":\"SCHEMA\",\"stream\":\"select\",\"schema\":{\"type\":\"object\",\"properties\":{"
        + "\"from\":{\"type\":\"integer\"},\"group\":{\"type\":\"number\"},\"where\":{\"type\":\"string\","
        + "\"format\":\"date-time\"},\"limit\":{\"type\":\"number\",\"x-singer.decimal\":{\"precision\":20,\"scale\":2}},"
        + "\"Table Name!\":{\"type\":\"object\"}}},\"key_properties\":[\"from\"]}\n"
        + "{\"type\":\"RECORD\",\"stream\":\"select\",\"record\":{\"from\":1,\"group\":2.5,"
        + "\"where\":\"2024-01-01T00:00:00Z\",\"limit\":1.25,\"Table Name!\":{\"a\":1}}}\n";
    Run refused = run(session, messages);
    assertEquals(1, refused.exitCode());
    assertTrue(refused.stderr().contains("column where") && refused.stderr().contains("schema_change_policy"),
        refused.stderr());

    FakeSession versioned = new FakeSession(new ArrayList<>()).withTable("tapline", "select", existing);
    Run run = run(versioned, messages, "schema_change_policy", "\"version\"");
    assertEquals(0, run.exitCode(), run.stderr());
    List<String> alters = versioned.statements.stream().filter(s -> s.startsWith("ALTER") || s.startsWith("UPDATE")).toList();
    assertTrue(alters.contains("ALTER TABLE \"TAPLINE\".\"SELECT\" ADD COLUMN \"TABLE_NAME_\" VARIANT"), alters.toString());
    assertTrue(alters.contains("ALTER TABLE \"TAPLINE\".\"SELECT\" ALTER COLUMN \"LIMIT\" SET DATA TYPE NUMBER(20,2)"),
        alters.toString());
    assertTrue(alters.contains("UPDATE \"TAPLINE\".\"SELECT\" SET \"GROUP__TAPLINE_WIDEN\" = \"GROUP\""), alters.toString());
    assertTrue(alters.stream().anyMatch(s -> s.matches(
        "ALTER TABLE \"TAPLINE\".\"SELECT\" RENAME COLUMN \"WHERE\" TO \"WHERE__[0-9]{14}\"")), alters.toString());
    assertEveryNameQuoted(versioned.statements);
    String merge = versioned.statements.stream().filter(s -> s.startsWith("MERGE")).findFirst().orElseThrow();
    assertTrue(merge.contains("PARSE_JSON(\"TABLE_NAME_\") AS \"TABLE_NAME_\""), merge);
    assertTrue(merge.contains("ON \"_TAPLINE_TARGET\".\"FROM\" = \"_TAPLINE_BATCH\".\"FROM\""), merge);
  }

  @Test
  void numbersAreNeverFloatUnlessTheSchemaSaysDouble() throws IOException {
    FakeSession session = new FakeSession(new ArrayList<>());
    String messages = "{\"type\":\"SCHEMA\",\"stream\":\"values\",\"schema\":{\"type\":\"object\",\"properties\":{"
        + "\"i\":{\"type\":\"integer\"},\"n\":{\"type\":[\"null\",\"number\"]},\"m\":{\"type\":\"number\",\"multipleOf\":0.01},"
        + "\"d\":{\"type\":\"number\",\"x-singer.decimal\":{\"precision\":12,\"scale\":3}},"
        + "\"s\":{\"type\":\"string\",\"format\":\"singer.decimal\",\"additionalProperties\":{\"scale_precision\":\"(18,6)\"}},"
        + "\"f\":{\"type\":\"number\",\"format\":\"double\"},\"t\":{\"type\":\"string\",\"format\":\"date-time\"},"
        + "\"day\":{\"type\":\"string\",\"format\":\"date\"},\"clock\":{\"type\":\"string\",\"format\":\"time\"},"
        + "\"b\":{\"type\":\"boolean\"},\"o\":{\"type\":\"object\"},\"a\":{\"type\":\"array\"},"
        + "\"u\":{\"type\":[\"string\",\"integer\"]},\"any\":{}}},\"key_properties\":[]}\n";
    assertEquals(0, run(session, messages).exitCode());
    String create = session.statements.stream().filter(s -> s.startsWith("CREATE TABLE")).findFirst().orElseThrow();
    assertEquals("CREATE TABLE IF NOT EXISTS \"TAPLINE\".\"VALUES\" (\"I\" NUMBER(38,0), \"N\" NUMBER(38,9),"
        + " \"M\" NUMBER(38,2), \"D\" NUMBER(12,3), \"S\" NUMBER(18,6), \"F\" FLOAT, \"T\" TIMESTAMP_TZ(9), \"DAY\" DATE,"
        + " \"CLOCK\" TIME(9), \"B\" BOOLEAN, \"O\" VARIANT, \"A\" VARIANT, \"U\" VARIANT, \"ANY\" VARIANT)", create);
  }
}
