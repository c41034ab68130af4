package dev.tapline.integration;

import dev.tapline.tap.postgres.SqlScript;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.cli.Tapline;
import dev.tapline.spec.CatalogEntry;
import dev.tapline.spec.Json;
import dev.tapline.spec.Metadata;
import dev.tapline.spec.config.SettingsBinder;
import dev.tapline.tap.Invocation;
import dev.tapline.tap.postgres.PostgresSettings;
import dev.tapline.tap.postgres.PostgresTap;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Database mirroring: {@code tapline run tap-postgres target-postgres} copies Pagila into other
 * databases of the same server, first FULL_TABLE, then LOG_BASED after inserts, updates and
 * deletes at the source, with hard and with soft deletes. The copies are compared table by table
 * through tap-postgres itself (row count and the sorted records, names as the target makes them
 * safe), so the comparison does not depend on the column types the target chose.
 */
class PostgresMirrorTest {

  private static EmbeddedPostgres server;

  @TempDir Path folder;

  @BeforeAll
  static void start() throws Exception {
    server = EmbeddedPostgres.builder()
        .setServerConfig("wal_level", "logical")
        .setServerConfig("max_replication_slots", "10")
        .setServerConfig("max_wal_senders", "10")
        .start();
    execute("postgres", "CREATE DATABASE pagila", "CREATE DATABASE mirror_hard", "CREATE DATABASE mirror_soft");
    try (Connection connection = connect("pagila")) {
      SqlScript.runResource(connection, "pagila-schema.sql");
      SqlScript.runResource(connection, "pagila-data.sql");
    }
    execute("pagila", "ANALYZE");
  }

  @AfterAll
  static void stop() throws IOException {
    server.close();
  }

  private static Connection connect(String database) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://localhost:" + server.getPort() + "/" + database,
        "postgres", "");
  }

  private static void execute(String database, String... statements) throws SQLException {
    try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  private Path launcher(String name, String mainClass) throws IOException {
    Path script = folder.resolve(name);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Files.writeString(script, "#!/bin/sh\nexec '" + java + "' -cp '" + System.getProperty("java.class.path")
        + "' " + mainClass + " \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  private ObjectNode tapConfig(String method, String slot) {
    ObjectNode config = Json.object();
    config.put("host", "localhost");
    config.put("port", server.getPort());
    config.put("user", "postgres");
    config.put("dbname", "pagila");
    config.put("ssl_mode", "disable");
    config.put("filter_schemas", "public");
    config.put("default_replication_method", method);
    config.put("slot_name", slot);
    config.put("logical_poll_total_seconds", 5);
    return config;
  }

  private ObjectNode targetConfig(String database, boolean hardDelete) {
    ObjectNode config = Json.object();
    config.put("host", "localhost");
    config.put("port", server.getPort());
    config.put("user", "postgres");
    config.put("dbname", database);
    config.put("ssl_mode", "disable");
    config.put("hard_delete", hardDelete);
    return config;
  }

  private Path write(String name, JsonNode json) throws IOException {
    Path file = folder.resolve(name);
    Files.writeString(file, Json.write(json));
    return file;
  }

  /** Runs {@code tapline run}; returns its stderr after checking it exited with 0. */
  private String pipeline(ObjectNode tapConfig, ObjectNode targetConfig, Path catalog, String stateName)
      throws IOException {
    List<String> arguments = new ArrayList<>(List.of("run",
        launcher("tap-postgres", PostgresTap.class.getName()).toString(),
        launcher("target-postgres", "dev.tapline.target.postgres.PostgresTarget").toString(),
        "--tap-config", write("tap-" + System.nanoTime() + ".json", tapConfig).toString(),
        "--target-config", write("target-" + System.nanoTime() + ".json", targetConfig).toString(),
        "--state-file", folder.resolve(stateName).toString()));
    if (catalog != null) {
      arguments.add("--catalog");
      arguments.add(catalog.toString());
    }
    StringWriter errors = new StringWriter();
    StringWriter output = new StringWriter();
    int code = Tapline.commandLine(System.getenv(), new ByteArrayInputStream(new byte[0]))
        .setOut(new PrintWriter(output, true))
        .setErr(new PrintWriter(errors, true))
        .execute(arguments.toArray(String[]::new));
    assertEquals(0, code, "tapline run failed:\n" + errors);
    return errors.toString();
  }

  /** A catalog selecting the tables of Pagila for LOG_BASED and leaving its views out. */
  private Path logBasedCatalog() throws IOException {
    PostgresSettings settings = SettingsBinder.of(PostgresSettings.class)
        .bind(tapConfig("LOG_BASED", "unused"), List.of());
    ArrayNode streams = Json.array();
    for (CatalogEntry entry : new PostgresTap().catalog(settings)) {
      boolean view = entry.metadata().stream(Metadata.IS_VIEW).asBoolean();
      Metadata metadata = entry.metadata().with(List.of(), Metadata.SELECTED, !view);
      if (!view) {
        metadata = metadata.with(List.of(), Metadata.REPLICATION_METHOD, "LOG_BASED");
      }
      streams.add(entry.withMetadata(metadata).toJson());
    }
    ObjectNode catalog = Json.object();
    catalog.set("streams", streams);
    return write("catalog.json", catalog);
  }

  /**
   * Every stream of a database as read by tap-postgres: per stream, the records without the
   * {@code _sdc_} columns, numbers without trailing zeros, sorted. Rows marked deleted are left
   * out when {@code dropSoftDeleted}.
   */
  private static Map<String, List<String>> contents(String database, boolean dropSoftDeleted) {
    ObjectNode config = Json.object();
    config.put("host", "localhost");
    config.put("port", server.getPort());
    config.put("user", "postgres");
    config.put("dbname", database);
    config.put("ssl_mode", "disable");
    config.put("filter_schemas", "public");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Path configFile;
    try {
      configFile = Files.createTempFile("contents", ".json");
      Files.writeString(configFile, Json.write(config));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    int code = new PostgresTap().execute(new Invocation(new ByteArrayInputStream(new byte[0]), out,
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of()), "--config", configFile.toString());
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    Map<String, List<String>> contents = new TreeMap<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      JsonNode message = Json.parse(line);
      if (!message.path("type").asText().equals("RECORD")) {
        continue;
      }
      ObjectNode record = (ObjectNode) message.get("record");
      if (dropSoftDeleted && record.hasNonNull("_sdc_deleted_at")) {
        continue;
      }
      contents.computeIfAbsent(message.get("stream").asText(), name -> new ArrayList<>())
          .add(canonical(record));
    }
    contents.values().forEach(rows -> rows.sort(null));
    return contents;
  }

  private static String canonical(ObjectNode record) {
    TreeMap<String, String> values = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = record.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (!field.getKey().startsWith("_sdc_")) {
        // the target makes column names safe ("zip code" becomes zip_code)
        values.put(field.getKey().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_"),
            canonicalValue(field.getValue()));
      }
    }
    return values.toString();
  }

  private static String canonicalValue(JsonNode value) {
    if (value.isNumber()) {
      BigDecimal number = value.decimalValue();
      return number.signum() == 0 ? "0" : number.stripTrailingZeros().toPlainString();
    }
    if (value.isArray()) {
      List<String> items = new ArrayList<>();
      value.forEach(item -> items.add(canonicalValue(item)));
      return items.toString();
    }
    return Json.write(value);
  }

  private static void assertSameContents(Map<String, List<String>> source, Map<String, List<String>> copy,
      List<String> streams) {
    for (String stream : streams) {
      List<String> expected = source.getOrDefault(stream, List.of());
      List<String> actual = copy.getOrDefault(stream, List.of());
      assertEquals(expected.size(), actual.size(), stream + ": row counts differ");
      for (int i = 0; i < expected.size(); i++) {
        assertEquals(expected.get(i), actual.get(i), stream + ": rows differ");
      }
    }
  }

  private static List<String> tables() throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Connection connection = connect("pagila"); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT 'public-' || relname FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'"
            + " AND relkind IN ('r', 'p') AND NOT relispartition ORDER BY 1")) {
      while (rows.next()) {
        tables.add(rows.getString(1));
      }
    }
    return tables;
  }

  @Test
  void pagilaIsMirroredInFullThenKeptEqualByLogBasedRunsWithHardAndSoftDeletes() throws Exception {
    pipeline(tapConfig("FULL_TABLE", "unused"), targetConfig("mirror_hard", true), null, "full-state.json");
    Map<String, List<String>> source = contents("pagila", false);
    assertEquals(15, tables().size());
    List<String> everything = new ArrayList<>(source.keySet());
    assertSameContents(source, contents("mirror_hard", false), everything);
    assertEquals(16049, source.get("public-payment").size());

    Path catalog = logBasedCatalog();
    pipeline(tapConfig("LOG_BASED", "mirror_hard"), targetConfig("mirror_hard", true), catalog, "hard-state.json");
    pipeline(tapConfig("LOG_BASED", "mirror_soft"), targetConfig("mirror_soft", false), catalog, "soft-state.json");

    execute("pagila",
        "INSERT INTO actor (actor_id, first_name, last_name) VALUES (201, 'ÅSA', 'NEW')",
        "UPDATE film SET title = 'ACADEMY DINOSAUR II', rental_rate = 1.99 WHERE film_id = 1",
        "DELETE FROM film_actor WHERE actor_id = 1 AND film_id = 1",
        "DELETE FROM payment WHERE payment_id = 16050",
        "INSERT INTO payment (payment_id, customer_id, staff_id, rental_id, amount, payment_date)"
            + " VALUES (40000, 1, 1, 76, 12.34, '2022-03-15 10:00:00+01')",
        "UPDATE customer SET email = NULL, activebool = false WHERE customer_id = 2");
    Map<String, List<String>> changed = contents("pagila", false);

    String hardLog = pipeline(tapConfig("LOG_BASED", "mirror_hard"), targetConfig("mirror_hard", true), catalog,
        "hard-state.json");
    assertSameContents(changed, contents("mirror_hard", false), tables());

    pipeline(tapConfig("LOG_BASED", "mirror_soft"), targetConfig("mirror_soft", false), catalog, "soft-state.json");
    assertSameContents(changed, contents("mirror_soft", true), tables());
    try (Connection connection = connect("mirror_soft"); Statement statement = connection.createStatement()) {
      try (ResultSet row = statement.executeQuery(
          "SELECT _sdc_deleted_at FROM public.film_actor WHERE actor_id = 1 AND film_id = 1")) {
        assertTrue(row.next(), "the soft-deleted film_actor row is gone");
        assertNotNull(row.getString(1), "the deleted film_actor row is not marked");
      }
      try (ResultSet row = statement.executeQuery(
          "SELECT _sdc_deleted_at FROM public.payment WHERE payment_id = 16050")) {
        assertTrue(row.next(), "the soft-deleted payment row is gone");
        assertNotNull(row.getString(1), "the deleted payment row is not marked");
      }
    }
    JsonNode state = Json.read(folder.resolve("hard-state.json"));
    assertTrue(state.path("bookmarks").path("public-film").path("lsn").isNumber(),
        "no log position in the pipeline's state: " + state + "\n" + hardLog);
  }
}
