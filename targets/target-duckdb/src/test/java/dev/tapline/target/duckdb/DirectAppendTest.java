package dev.tapline.target.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapline.spec.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batches appended straight into the final table: upserts while the key grows, append-only and
 * overwrite always; the rows must be those the staged merge would have left.
 */
class DirectAppendTest {

  @TempDir Path temporary;

  private static final String SCHEMA_LINE = "{\"type\":\"SCHEMA\",\"stream\":\"orders\",\"schema\":{\"type\":\"object\","
      + "\"properties\":%s},\"key_properties\":%s}\n";

  private static String schema(String properties, String keys) {
    return String.format(SCHEMA_LINE, properties, keys);
  }

  private static String record(String json) {
    return "{\"type\":\"RECORD\",\"stream\":\"orders\",\"record\":" + json + "}\n";
  }

  @Test
  void aBatchOfNewKeysNeedsNoMergeAndARepeatedRunStillReplacesRows() throws Exception {
    Path database = temporary.resolve("upsert.duckdb");
    String properties = "{\"id\":{\"type\":\"integer\"},\"amount\":{\"type\":[\"null\",\"number\"],\"multipleOf\":0.01},"
        + "\"created_at\":{\"type\":\"string\",\"format\":\"date-time\"}}";
    StringBuilder messages = new StringBuilder(schema(properties, "[\"id\"]"));
    for (int id = 1; id <= 5; id++) {
      messages.append(record("{\"id\":" + id + ",\"amount\":99999999999999999.9" + id + ",\"created_at\":\"2024-03-01T10:00:0"
          + id + "+05:30\"}"));
    }
    run(database, messages.toString(), "\"batch_size_rows\":2");
    run(database, schema(properties, "[\"id\"]") + record("{\"id\":3,\"amount\":1.5,\"created_at\":\"2024-01-01T00:00:00Z\"}")
        + record("{\"id\":6,\"amount\":null,\"created_at\":\"2024-01-01T00:00:00Z\"}"), "");
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + database)) {
      assertEquals(List.of("1 99999999999999999.91 2024-03-01 04:30:01+00", "2 99999999999999999.92 2024-03-01 04:30:02+00",
          "3 1.50 2024-01-01 00:00:00+00", "4 99999999999999999.94 2024-03-01 04:30:04+00",
          "5 99999999999999999.95 2024-03-01 04:30:05+00", "6 null 2024-01-01 00:00:00+00"),
          rows(connection, "SET TimeZone = 'UTC'; SELECT id || ' ' || coalesce(CAST(amount AS VARCHAR), 'null') || ' ' || created_at"
              + " FROM orders ORDER BY id"));
    }
  }

  @Test
  void anIntegerBeyond64BitsInAGrowingBatchWidensTheColumn() throws Exception {
    Path database = temporary.resolve("wide.duckdb");
    String properties = "{\"id\":{\"type\":\"integer\"},\"count\":{\"type\":[\"null\",\"integer\"]}}";
    run(database, schema(properties, "[\"id\"]") + record("{\"id\":1,\"count\":5}")
        + record("{\"id\":2,\"count\":123456789012345678901234567890}") + record("{\"id\":3,\"count\":7}"), "");
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + database)) {
      assertEquals(List.of("1 5", "2 123456789012345678901234567890", "3 7"),
          rows(connection, "SELECT id || ' ' || count FROM orders ORDER BY id"));
    }
  }

  @Test
  void columnsTheStreamNoLongerSendsGetNullAndDatesGoThroughStaging() throws Exception {
    Path database = temporary.resolve("append.duckdb");
    run(database, schema("{\"id\":{\"type\":\"integer\"},\"gone\":{\"type\":\"string\"}}", "[]")
        + record("{\"id\":1,\"gone\":\"x\"}"), "");
    run(database, schema("{\"id\":{\"type\":\"integer\"},\"price\":{\"type\":\"number\",\"multipleOf\":0.001}}", "[]")
        + record("{\"id\":2,\"price\":0.125}"), "");
    run(database, schema("{\"id\":{\"type\":\"integer\"},\"day\":{\"type\":\"string\",\"format\":\"date\"}}", "[]")
        + record("{\"id\":3,\"day\":\"2024-02-29\"}"), "\"load_method\":\"append-only\"");
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + database)) {
      assertEquals(List.of("1|x|null|null", "2|null|0.125|null", "3|null|null|2024-02-29"), rows(connection,
          "SELECT concat_ws('|', id, coalesce(gone, 'null'), coalesce(CAST(price AS VARCHAR), 'null'),"
              + " coalesce(CAST(day AS VARCHAR), 'null')) FROM orders ORDER BY id"));
    }
  }

  @Test
  void aFailingRecordAfterDirectRowsLeavesNothingOfItsBatch() throws Exception {
    Path database = temporary.resolve("failing.duckdb");
    String properties = "{\"id\":{\"type\":\"integer\"},\"price\":{\"type\":\"number\",\"x-singer.decimal\":{\"precision\":5,\"scale\":2}}}";
    run(database, schema(properties, "[\"id\"]") + record("{\"id\":1,\"price\":1.5}"), "");
    String failing = schema(properties, "[\"id\"]") + record("{\"id\":2,\"price\":2.5}") + record("{\"id\":3,\"price\":123456.5}");
    Map.Entry<Integer, String> result = execute(database, failing, "\"validate_records\":false");
    assertEquals(1, result.getKey());
    assertTrue(result.getValue().contains("'price'"), result.getValue());
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + database)) {
      assertEquals(List.of("1"), rows(connection, "SELECT CAST(id AS VARCHAR) FROM orders"));
    }
  }

  private void run(Path database, String messages, String settings) throws Exception {
    Map.Entry<Integer, String> result = execute(database, messages, settings);
    assertEquals(0, result.getKey(), result.getValue());
  }

  private Map.Entry<Integer, String> execute(Path database, String messages, String settings) throws Exception {
    Path config = Files.createTempFile(temporary, "config", ".json");
    Files.writeString(config, "{\"path\":" + Json.write(Json.NODES.textNode(database.toString()))
        + (settings.isEmpty() ? "" : "," + settings) + "}");
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int code = new DuckDbTarget().execute(new ByteArrayInputStream(messages.getBytes(StandardCharsets.UTF_8)),
        new ByteArrayOutputStream(), new PrintStream(stderr, true, StandardCharsets.UTF_8), Map.of(),
        "--config", config.toString());
    return Map.entry(code, stderr.toString(StandardCharsets.UTF_8));
  }

  private static List<String> rows(Connection connection, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement statement = connection.createStatement()) {
      String[] statements = sql.split("; ");
      for (int i = 0; i < statements.length - 1; i++) {
        statement.execute(statements[i]);
      }
      try (ResultSet result = statement.executeQuery(statements[statements.length - 1])) {
        while (result.next()) {
          rows.add(result.getString(1));
        }
      }
    }
    return rows;
  }
}
