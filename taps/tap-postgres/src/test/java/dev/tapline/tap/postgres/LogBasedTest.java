package dev.tapline.tap.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.tap.contract.TapRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.replication.LogSequenceNumber;

/** LOG_BASED replication through a pgoutput slot, against a real server. */
class LogBasedTest {

  private static TestServer server;

  @TempDir Path directory;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private ObjectNode config(String database) {
    ObjectNode config = server.config(database);
    config.put("filter_schemas", "public");
    config.put("default_replication_method", "LOG_BASED");
    config.put("logical_poll_total_seconds", 5);
    config.put("state_interval_rows", 2);
    return config;
  }

  private TapRun run(ObjectNode config, JsonNode state) throws IOException {
    Path configFile = directory.resolve("config-" + System.nanoTime() + ".json");
    Files.writeString(configFile, Json.write(config));
    if (state == null) {
      return TapRun.run(new PostgresTap(), "--config", configFile.toString());
    }
    Path stateFile = directory.resolve("state-" + System.nanoTime() + ".json");
    Files.writeString(stateFile, Json.write(state));
    return TapRun.run(new PostgresTap(), "--config", configFile.toString(), "--state", stateFile.toString());
  }

  private static long bookmark(JsonNode state, String stream) {
    JsonNode value = state.path("bookmarks").path(stream).path("lsn");
    assertTrue(value.isNumber(), "no log position for " + stream + " in " + state);
    return value.longValue();
  }

  private static long confirmedFlush(String slot) throws Exception {
    return LogSequenceNumber.valueOf(server.queryOne("postgres",
        "SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '" + slot + "'")).asLong();
  }

  @Test
  void changesAfterTheSnapshotArriveOnceInCommitOrderAndARollbackNever() throws Exception {
    server.createDatabase("shop", false);
    String longNote = "n".repeat(20_000) + "-end";
    server.execute("shop",
        "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2), note text,"
            + " tags text[], seen timestamptz)",
        "ALTER TABLE items ALTER COLUMN note SET STORAGE EXTERNAL",
        "INSERT INTO items VALUES (1, 'one', 1.10, NULL, '{a}', '2024-01-01 10:00+02'),"
            + " (2, 'two', 2.20, NULL, NULL, NULL), (3, 'three', 3.30, '" + longNote + "', NULL, NULL)");
    ObjectNode config = config("shop");

    TapRun first = run(config, null);
    assertEquals(0, first.exitCode(), first.describe());
    List<ObjectNode> copied = first.records("public-items");
    assertEquals(3, copied.size(), first.stdout());
    assertEquals("2024-01-01T08:00:00Z", copied.get(0).get("seen").asText());
    long afterCopy = bookmark(first.lastState(), "public-items");
    assertEquals(afterCopy, copied.get(2).get("_sdc_lsn").longValue());
    // the copy is a table version: ACTIVATE_VERSION first and last, kept in the bookmark
    List<String> types = new ArrayList<>();
    for (JsonNode message : first.messages()) {
      if (message.path("stream").asText().equals("public-items")) {
        types.add(message.path("type").asText());
      }
    }
    assertEquals(List.of("SCHEMA", "ACTIVATE_VERSION", "RECORD", "RECORD", "RECORD", "ACTIVATE_VERSION"), types);
    JsonNode properties = first.schemas("public-items").get(0).path("schema").path("properties");
    assertTrue(properties.has("_sdc_lsn") && properties.has("_sdc_deleted_at"), properties.toString());
    long version = first.lastState().path("bookmarks").path("public-items").path("version").longValue();
    assertTrue(version > 0, first.lastState().toString());
    assertFalse(first.lastState().path("bookmarks").path("public-items").has("replication_key"));

    server.execute("shop",
        "INSERT INTO items VALUES (4, 'four', 4.40, 'short', '{x,\"y z\"}', now())",
        "UPDATE items SET price = 22.22 WHERE id = 2",
        "DELETE FROM items WHERE id = 1",
        "UPDATE items SET name = 'THREE' WHERE id = 3");
    try (Connection connection = server.connect("shop"); Statement statement = connection.createStatement()) {
      connection.setAutoCommit(false);
      statement.execute("INSERT INTO items VALUES (99, 'rolled back', 0, NULL, NULL, NULL)");
      connection.rollback();
    }
    server.execute("shop", "INSERT INTO items VALUES (5, 'five', 5.50, NULL, NULL, NULL)");

    TapRun second = run(config, first.lastState());
    assertEquals(0, second.exitCode(), second.describe());
    List<ObjectNode> changes = second.records("public-items");
    List<String> seen = new ArrayList<>();
    for (ObjectNode change : changes) {
      seen.add(change.get("id").asInt() + (change.get("_sdc_deleted_at").isNull() ? "" : "-deleted"));
    }
    assertEquals(List.of("4", "2", "1-deleted", "3", "5"), seen, second.stdout());
    assertEquals("22.22", changes.get(1).get("price").toString());
    assertEquals("[\"x\",\"y z\"]", Json.write(changes.get(0).get("tags")));
    // the replication session runs in UTC too
    assertTrue(changes.get(0).get("seen").asText().matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z"),
        changes.get(0).toString());
    assertEquals(2, changes.get(2).size() - 1, "a delete carries the key and the metadata: " + changes.get(2));
    assertTrue(changes.get(3).get("note").asText().endsWith("-end"), "the unchanged TOASTed note is missing");
    assertEquals("THREE", changes.get(3).get("name").asText());
    long previous = afterCopy;
    for (ObjectNode change : changes) {
      long lsn = change.get("_sdc_lsn").longValue();
      assertTrue(lsn >= previous, "changes out of commit order: " + changes);
      previous = lsn;
    }
    long afterChanges = bookmark(second.lastState(), "public-items");
    assertEquals(previous, afterChanges);
    assertTrue(confirmedFlush("tapline_shop") >= afterCopy, "the slot was not acknowledged");

    assertEquals(version, second.lastState().path("bookmarks").path("public-items").path("version").longValue());
    for (ObjectNode change : changes) {
      assertTrue(change.get("_sdc_lsn").longValue() > 0);
    }

    // a state written before the bookmark had its own fields is read, and rewritten
    ObjectNode earlierForm = second.lastState().deepCopy();
    ObjectNode itemsBookmark = (ObjectNode) earlierForm.path("bookmarks").path("public-items");
    itemsBookmark.removeAll();
    itemsBookmark.put("replication_key", "_sdc_lsn");
    itemsBookmark.put("replication_key_value", afterChanges);
    TapRun third = run(config, earlierForm);
    assertEquals(0, third.exitCode(), third.describe());
    assertEquals("{\"lsn\":" + afterChanges + "}",
        Json.write(third.lastState().path("bookmarks").path("public-items")));
    for (ObjectNode change : third.records("public-items")) {
      assertEquals(afterChanges, change.get("_sdc_lsn").longValue(),
          "only the last transaction may come again: " + change);
    }
    assertTrue(confirmedFlush("tapline_shop") >= afterChanges, "the slot's confirmed_flush_lsn did not advance");
    assertTrue(afterChanges > afterCopy);
  }

  @Test
  void columnsAddedDroppedAndRetypedBetweenRunsAreFollowed() throws Exception {
    server.createDatabase("evolving", false);
    server.execute("evolving", "CREATE TABLE t (id int PRIMARY KEY, old_note text, amount int)",
        "INSERT INTO t VALUES (1, 'first', 10)");
    ObjectNode config = config("evolving");
    TapRun first = run(config, null);
    assertEquals(0, first.exitCode(), first.describe());

    server.execute("evolving",
        "INSERT INTO t VALUES (2, 'second', 20)",
        "ALTER TABLE t ADD COLUMN added boolean",
        "INSERT INTO t VALUES (3, 'third', 30, true)",
        "ALTER TABLE t DROP COLUMN old_note",
        "ALTER TABLE t ALTER COLUMN amount TYPE numeric(10,2)",
        "INSERT INTO t VALUES (4, 40.5, false)",
        "UPDATE t SET amount = amount + 1 WHERE id = 1");
    TapRun second = run(config, first.lastState());
    assertEquals(0, second.exitCode(), second.describe());
    JsonNode schema = second.schemas("public-t").get(0).path("schema").path("properties");
    assertTrue(schema.has("added") && !schema.has("old_note"), schema.toString());
    List<String> records = second.records("public-t").stream()
        .map(record -> record.get("id") + ":" + record.path("amount") + ":" + record.path("added")
            + ":" + record.has("old_note"))
        .toList();
    // the run's discovery gives the current shape: old_note is gone, amount is numeric(10,2);
    // the change made before "added" existed does not carry it
    assertEquals(List.of("2:20::false", "3:30:true:false", "4:40.50:false:false", "1:11.00:null:false"),
        records);
    assertEquals(1, second.stderr().split("Column old_note of public.t is not in the stream's schema", -1).length - 1,
        "the dropped column is not reported once: " + second.stderr());
  }

  @Test
  void aTableWithoutKeyOrReplicaIdentityIsRefusedBeforeAnyData() throws Exception {
    server.createDatabase("nokey", false);
    server.execute("nokey", "CREATE TABLE a_keyed (id int PRIMARY KEY)", "INSERT INTO a_keyed VALUES (1)",
        "CREATE TABLE b_loose (id int, note text)", "INSERT INTO b_loose VALUES (1, 'x')");
    TapRun run = run(config("nokey"), null);
    assertEquals(2, run.exitCode(), run.describe());
    assertTrue(run.stderr().contains("ERROR Table public.b_loose (stream 'public-b_loose') has no primary key"
        + " and no replica identity"), run.stderr());
    // checked before the first stream: nothing at all reached stdout, no SCHEMA of a_keyed either
    assertEquals("", run.stdout());
    assertFalse(run.stderr().contains("\tat "), run.stderr());

    server.execute("nokey", "ALTER TABLE b_loose REPLICA IDENTITY FULL");
    TapRun fixed = run(config("nokey"), null);
    assertEquals(0, fixed.exitCode(), fixed.describe());
    assertEquals(1, fixed.records("public-b_loose").size());

    // a key does not help when the replica identity is NOTHING
    server.execute("nokey", "ALTER TABLE b_loose ADD PRIMARY KEY (id)", "ALTER TABLE b_loose REPLICA IDENTITY NOTHING");
    TapRun nothing = run(config("nokey"), fixed.lastState());
    assertEquals(2, nothing.exitCode(), nothing.describe());
    assertEquals("", nothing.stdout());
    assertTrue(nothing.stderr().contains("ERROR Table public.b_loose (stream 'public-b_loose') has REPLICA IDENTITY"
        + " NOTHING"),
        nothing.stderr());
  }

  @Test
  void aPublicationThatWouldMissChangesIsRefused() throws Exception {
    server.createDatabase("partial", false);
    server.execute("partial", "CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t VALUES (1)",
        "CREATE PUBLICATION inserts_only FOR TABLE t WITH (publish = 'insert')",
        "CREATE TABLE parted (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)",
        "CREATE TABLE parted_2024 PARTITION OF parted FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
        "CREATE PUBLICATION by_partition FOR TABLE parted");
    ObjectNode config = config("partial");
    config.put("filter_schemas", "public");
    config.put("publication_name", "inserts_only");
    TapRun run = run(config, null);
    assertEquals(2, run.exitCode(), run.describe());
    assertTrue(run.stderr().contains("Publication 'inserts_only' does not publish every insert, update and"
        + " delete"), run.stderr());
    assertEquals("", run.stdout(), "messages before the publication was checked");
    config.put("publication_name", "by_partition");
    TapRun partitioned = run(config, null);
    assertEquals(2, partitioned.exitCode(), partitioned.describe());
    assertTrue(partitioned.stderr().contains("Publication 'by_partition' publishes the partitions of"
        + " \"public\".\"parted\" under their own names"), partitioned.stderr());
  }

  @Test
  void aUserWithoutReplicationRightsIsToldSo() throws Exception {
    server.createDatabase("rights", false);
    server.execute("rights", "CREATE TABLE t (id int PRIMARY KEY)",
        "CREATE ROLE reader LOGIN PASSWORD 'reader-secret'", "GRANT SELECT ON t TO reader");
    ObjectNode config = config("rights");
    config.put("user", "reader");
    config.put("password", "reader-secret");
    TapRun run = run(config, null);
    assertEquals(2, run.exitCode(), run.describe());
    assertTrue(run.stderr().contains("User 'reader' may not use logical replication"), run.stderr());
    assertTrue(run.stdout().lines().noneMatch(line -> line.contains("\"RECORD\"")), run.stdout());
  }

  @Test
  void aServerWithoutLogicalWalIsToldSo() throws Exception {
    try (io.zonky.test.db.postgres.embedded.EmbeddedPostgres replica =
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().setServerConfig("wal_level", "replica").start()) {
      try (Connection connection = replica.getPostgresDatabase().getConnection();
          Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE t (id int PRIMARY KEY)");
      }
      ObjectNode config = config("postgres");
      config.put("port", replica.getPort());
      TapRun run = run(config, null);
      assertEquals(2, run.exitCode(), run.describe());
      assertTrue(run.stderr().contains("LOG_BASED replication needs wal_level = logical, but the server has"
          + " wal_level = replica"), run.stderr());
    }
  }

}
