package dev.tapline.target.snowflake;

import dev.tapline.target.jdbc.ColumnType;
import dev.tapline.target.jdbc.TableName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A hand-written stand-in for Snowflake: records each step a sink takes as a short event
 * ({@code put}, {@code stage-table}, {@code copy}, {@code merge}, {@code drop-stage},
 * {@code remove}, ...) in a list shared with the test, keeps every statement, and fails chosen
 * steps with chosen errors.
 */
final class FakeSession implements SnowflakeSession {

  final List<String> events;
  final List<String> statements = new ArrayList<>();
  final List<List<String>> uploadedFiles = new ArrayList<>();
  final Map<String, Map<String, ColumnType>> tables = new HashMap<>();
  private final Map<String, Deque<SQLException>> failures = new HashMap<>();
  boolean closed;

  FakeSession(List<String> events) {
    this.events = events;
  }

  /** The next calls of {@code step} fail with these errors, one each, in order. */
  FakeSession failing(String step, SQLException... errors) {
    failures.computeIfAbsent(step, s -> new ArrayDeque<>()).addAll(List.of(errors));
    return this;
  }

  /** Declares an existing table with upper-case column names. */
  FakeSession withTable(String schema, String table, Map<String, ColumnType> columns) {
    tables.put(schema.toUpperCase(Locale.ROOT) + "." + table.toUpperCase(Locale.ROOT), new LinkedHashMap<>(columns));
    return this;
  }

  static String step(String sql) {
    String text = sql.strip().toUpperCase(Locale.ROOT);
    if (text.startsWith("CREATE OR REPLACE TRANSIENT TABLE")) return "stage-table";
    if (text.startsWith("COPY INTO")) return "copy";
    if (text.startsWith("MERGE INTO")) return "merge";
    if (text.startsWith("INSERT INTO")) return "insert";
    if (text.startsWith("DROP TABLE IF EXISTS \"") && text.contains("_TAPLINE_STAGE_")) return "drop-stage";
    if (text.startsWith("REMOVE ")) return "remove";
    if (text.startsWith("CREATE SCHEMA")) return "create-schema";
    if (text.startsWith("CREATE TABLE")) return "create-table";
    if (text.startsWith("ALTER TABLE")) return "alter";
    if (text.startsWith("BEGIN")) return "begin";
    if (text.startsWith("COMMIT")) return "commit";
    if (text.startsWith("ROLLBACK")) return "rollback";
    return text.split(" ")[0].toLowerCase(Locale.ROOT);
  }

  private void maybeFail(String step) throws SQLException {
    Deque<SQLException> queue = failures.get(step);
    if (queue != null && !queue.isEmpty()) {
      events.add(step + "-failed");
      throw queue.poll();
    }
  }

  @Override
  public void execute(String sql) throws SQLException {
    String step = step(sql);
    maybeFail(step);
    statements.add(sql);
    events.add(step);
  }

  @Override
  public Map<String, ColumnType> columns(TableName table, SnowflakeDialect dialect) {
    Map<String, ColumnType> columns = tables.get(
        table.schema().toUpperCase(Locale.ROOT) + "." + table.table().toUpperCase(Locale.ROOT));
    return columns == null ? Map.of() : Map.copyOf(columns);
  }

  @Override
  public void upload(Path localFolder, String putStatement, String stagePath) throws SQLException {
    maybeFail("put");
    statements.add(putStatement);
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.list(localFolder)) {
      files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".csv.gz")).sorted().forEach(names::add);
    } catch (java.io.IOException e) {
      throw new SQLException("cannot list " + localFolder, e);
    }
    uploadedFiles.add(names);
    events.add("put");
  }

  @Override
  public void close() {
    closed = true;
  }
}
