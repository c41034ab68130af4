package dev.tapline.tap.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.tap.contract.TapRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FULL_TABLE copies as table versions: ACTIVATE_VERSION around them, resumed after the last key. */
class FullTableVersionTest {

  private static final String STREAM = "public-parts";
  private static TestServer server;

  @TempDir Path directory;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
    server.createDatabase("copies", false);
    // a composite key whose order differs from the insert order, with text and timestamps in it
    server.execute("copies",
        "CREATE TABLE parts (maker text, made timestamptz, serial int, note text,"
            + " PRIMARY KEY (maker, made, serial))",
        "INSERT INTO parts SELECT CASE WHEN i % 3 = 0 THEN 'acme' WHEN i % 3 = 1 THEN 'Zeta' ELSE 'bolt \"co\"' END,"
            + " timestamptz '2024-01-01 00:00:00.5+00' + (i % 4) * interval '1 day', i, 'part ' || i"
            + " FROM generate_series(1, 25) i",
        "CREATE VIEW some_parts AS SELECT serial FROM parts WHERE serial < 5",
        // as a Singer target leaves a table: its own _sdc_ columns are columns like any other
        "CREATE TABLE loaded (id int PRIMARY KEY, _sdc_deleted_at timestamptz, _sdc_lsn bigint)",
        "INSERT INTO loaded VALUES (1, '2024-05-01 00:00+00', 7), (2, NULL, NULL)");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private TapRun run(JsonNode state) throws IOException {
    ObjectNode config = server.config("copies");
    config.put("state_interval_rows", 10);
    Path configFile = directory.resolve("config-" + System.nanoTime() + ".json");
    Files.writeString(configFile, Json.write(config));
    if (state == null) {
      return TapRun.run(new PostgresTap(), "--config", configFile.toString());
    }
    Path stateFile = directory.resolve("state-" + System.nanoTime() + ".json");
    Files.writeString(stateFile, Json.write(state));
    return TapRun.run(new PostgresTap(), "--config", configFile.toString(), "--state", stateFile.toString());
  }

  /** The messages of one stream, and the STATEs from its SCHEMA on, in order. */
  private static List<JsonNode> messagesOf(TapRun run, String stream) {
    List<JsonNode> messages = new ArrayList<>();
    for (JsonNode message : run.messages()) {
      boolean ours = message.path("stream").asText().equals(stream);
      if (ours || !messages.isEmpty() && message.path("type").asText().equals("STATE")) {
        messages.add(message);
      }
    }
    return messages;
  }

  private static String serials(List<JsonNode> messages) {
    StringBuilder serials = new StringBuilder();
    for (JsonNode message : messages) {
      if (message.path("type").asText().equals("RECORD")) {
        serials.append(serials.length() == 0 ? "" : ",").append(message.path("record").path("serial").asInt());
      }
    }
    return serials.toString();
  }

  @Test
  void aCopyIsFramedByActivateVersionAndAnInterruptedOneResumesAfterItsLastKey() throws Exception {
    String ordered = String.join(",", server.query("copies",
        "SELECT serial FROM parts ORDER BY maker, made, serial").stream().map(row -> row.get(0)).toList());

    TapRun first = run(null);
    assertEquals(0, first.exitCode(), first.describe());
    List<JsonNode> messages = messagesOf(first, STREAM);
    assertEquals("SCHEMA", messages.get(0).path("type").asText());
    assertFalse(messages.get(0).path("schema").path("properties").has("_sdc_lsn"),
        "change-log properties in a FULL_TABLE schema: " + messages.get(0));
    assertEquals("ACTIVATE_VERSION", messages.get(1).path("type").asText(), messages.toString());
    long version = messages.get(1).path("version").longValue();
    assertTrue(Math.abs(System.currentTimeMillis() - version) < 600_000, "not epoch millis: " + version);
    assertEquals(ordered, serials(messages), "records not in key order");
    JsonNode halfWay = null;
    String lastKeyBefore = null;
    for (JsonNode message : messages) {
      switch (message.path("type").asText()) {
        case "RECORD" -> {
          assertEquals(version, message.path("version").longValue(), message.toString());
          JsonNode record = message.path("record");
          lastKeyBefore = Json.write(Json.object().put("maker", record.get("maker").asText())
              .put("made", record.get("made").asText()).put("serial", record.get("serial").asInt()));
        }
        case "STATE" -> {
          JsonNode progress = message.path("value").path("bookmarks").path(STREAM).path("last_pk_fetched");
          if (!progress.isMissingNode()) {
            // the key in a STATE is the one of the last record before it: a target committing
            // the STATE has every record up to that key
            assertEquals(lastKeyBefore, Json.write(progress), "STATE out of step with the records");
            assertEquals(version, message.path("value").path("bookmarks").path(STREAM).path("version").longValue());
            if (halfWay == null) {
              halfWay = message.path("value");
            }
          }
        }
        default -> { }
      }
    }
    assertNotNull(halfWay, "no STATE with last_pk_fetched during the copy");
    JsonNode last = messages.get(messages.size() - 1);
    assertEquals("STATE", last.path("type").asText());
    JsonNode lastOfStream = messages.stream()
        .filter(message -> message.path("stream").asText().equals(STREAM)).reduce((a, b) -> b).orElseThrow();
    assertEquals("ACTIVATE_VERSION", lastOfStream.path("type").asText());
    assertEquals(version, lastOfStream.path("version").longValue());
    assertEquals("{\"version\":" + version + "}", Json.write(first.lastState().path("bookmarks").path(STREAM)),
        "a finished copy keeps its version, and no progress");

    // interrupted after the first STATE: the next run resumes after its key, under its version
    TapRun resumed = run(halfWay);
    assertEquals(0, resumed.exitCode(), resumed.describe());
    List<JsonNode> rest = messagesOf(resumed, STREAM);
    assertEquals("SCHEMA", rest.get(0).path("type").asText());
    assertEquals("RECORD", rest.get(1).path("type").asText(), "a resumed copy starts no new version");
    String[] all = ordered.split(",");
    assertEquals(String.join(",", List.of(all).subList(10, all.length)), serials(rest));
    for (JsonNode message : rest) {
      if (message.has("version")) {
        assertEquals(version, message.path("version").longValue(), message.toString());
      }
    }
    JsonNode resumedEnd = rest.stream()
        .filter(message -> message.path("stream").asText().equals(STREAM)).reduce((a, b) -> b).orElseThrow();
    assertEquals("ACTIVATE_VERSION", resumedEnd.path("type").asText());
    assertEquals(version, resumedEnd.path("version").longValue());
    assertEquals("{\"version\":" + version + "}", Json.write(resumed.lastState().path("bookmarks").path(STREAM)));

    // the next copy is a new version, activated only once complete: the destination keeps the
    // rows of the earlier version meanwhile
    TapRun next = run(resumed.lastState());
    assertEquals(0, next.exitCode(), next.describe());
    List<JsonNode> again = messagesOf(next, STREAM);
    assertEquals("RECORD", again.get(1).path("type").asText(), again.get(1).toString());
    long nextVersion = again.get(1).path("version").longValue();
    assertTrue(nextVersion > version, nextVersion + " after " + version);
    assertEquals(ordered, serials(again));
    JsonNode nextEnd = again.stream()
        .filter(message -> message.path("stream").asText().equals(STREAM)).reduce((a, b) -> b).orElseThrow();
    assertEquals("ACTIVATE_VERSION", nextEnd.path("type").asText());
    assertEquals(nextVersion, nextEnd.path("version").longValue());
  }

  @Test
  void columnsNamedLikeTheLogMetadataAreReadAsColumns() throws Exception {
    TapRun run = run(null);
    assertEquals(0, run.exitCode(), run.describe());
    JsonNode properties = run.schemas("public-loaded").get(0).path("schema").path("properties");
    assertEquals("{\"type\":[\"null\",\"string\"],\"format\":\"date-time\"}", Json.write(properties.get("_sdc_deleted_at")));
    assertEquals("{\"id\":1,\"_sdc_deleted_at\":\"2024-05-01T00:00:00Z\",\"_sdc_lsn\":7}",
        Json.write(run.records("public-loaded").get(0)));
  }

  @Test
  void aViewIsCopiedAsAVersionWithoutProgress() throws Exception {
    TapRun run = run(null);
    assertEquals(0, run.exitCode(), run.describe());
    List<String> types = new ArrayList<>();
    for (JsonNode message : run.messages()) {
      if (message.path("stream").asText().equals("public-some_parts")) {
        types.add(message.path("type").asText());
      }
    }
    assertEquals(List.of("SCHEMA", "ACTIVATE_VERSION", "RECORD", "RECORD", "RECORD", "RECORD", "ACTIVATE_VERSION"),
        types);
  }
}
