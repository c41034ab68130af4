package dev.tapline.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Catalog;
import dev.tapline.spec.CatalogEntry;
import dev.tapline.spec.Json;
import dev.tapline.spec.Metadata;
import dev.tapline.spec.schema.MessageSchemas;
import dev.tapline.tap.contract.TapRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK's extension points: catalog entries a stream describes itself, ACTIVATE_VERSION and
 * record versions, bookmark fields of a stream's own, LOG_BASED without replication key, and the
 * tap's check before any stream syncs.
 */
class StreamHooksTest {

  @TempDir Path directory;

  private Path write(String name, String json) throws IOException {
    Path file = directory.resolve(name);
    Files.writeString(file, json);
    return file;
  }

  /** The messages of one stream as short strings: {@code A:v}, {@code R:id:v}, {@code S:last_id}. */
  private static List<String> copyMessages(TapRun run) {
    List<String> seen = new ArrayList<>();
    for (JsonNode message : run.messages()) {
      assertTrue(MessageSchemas.get().validate(message).isEmpty(), message.toString());
      switch (message.get("type").asText()) {
        case "ACTIVATE_VERSION" -> seen.add("A:" + message.get("version"));
        case "RECORD" -> {
          if (message.get("stream").asText().equals("copy")) {
            seen.add("R:" + message.path("record").get("id") + ":" + message.path("version").asText("-"));
          }
        }
        case "STATE" -> seen.add("S:" + message.path("value").path("bookmarks").path("copy")
            .path("last_id").asText("-"));
        default -> { }
      }
    }
    return seen;
  }

  @Test
  void discoveryUsesTheEntryAStreamDescribes() throws IOException {
    TapRun run = TapRun.run(new HookTap(), "--config", write("config.json", "{\"rows\": 42}").toString(),
        "--discover");
    assertEquals(0, run.exitCode(), run.describe());
    Catalog catalog = Catalog.fromJson(Json.parse(run.stdout()));
    CatalogEntry copy = catalog.find("copy").orElseThrow();
    assertEquals(42, copy.metadata().stream(Metadata.ROW_COUNT).asInt());
    assertEquals("bigint", copy.metadata().get(Metadata.property("id"), Metadata.SQL_DATATYPE).asText());
    assertEquals("[\"id\"]", copy.metadata().stream(Metadata.TABLE_KEY_PROPERTIES).toString());
    assertEquals(Metadata.AUTOMATIC, copy.metadata().get(Metadata.property("id"), Metadata.INCLUSION).asText());
    CatalogEntry changes = catalog.find("changes").orElseThrow();
    assertEquals("LOG_BASED", changes.metadata().streamText(Metadata.FORCED_REPLICATION_METHOD));
    assertFalse(changes.schema().path("properties").has("_position"), changes.schema().toString());
  }

  @Test
  void theSchemaSentIsTheOneOfTheMethodInUse() throws IOException {
    TapRun run = TapRun.run(new HookTap(), "--config", write("config.json", "{}").toString());
    assertEquals(0, run.exitCode(), run.describe());
    assertTrue(run.schemas("changes").get(0).path("schema").path("properties").has("_position"));
    assertFalse(run.schemas("copy").get(0).path("schema").path("properties").has("_position"));
    assertEquals("{\"id\":1,\"_position\":1}", Json.write(run.records("changes").get(0)));
  }

  @Test
  void aFreshCopyIsFramedByActivateVersionWithVersionedRecordsAndPeriodicBookmarks() throws IOException {
    TapRun run = TapRun.run(new HookTap(), "--config",
        write("config.json", "{\"rows\": 7, \"state_interval_rows\": 3}").toString());
    assertEquals(0, run.exitCode(), run.describe());
    String v = "1700000000000";
    assertEquals(List.of("A:" + v, "R:1:" + v, "R:2:" + v, "R:3:" + v, "S:3", "R:4:" + v, "R:5:" + v,
        "R:6:" + v, "S:6", "R:7:" + v, "A:" + v, "S:-", "S:-"), copyMessages(run));
    JsonNode bookmarks = run.lastState().path("bookmarks");
    assertEquals("{\"version\":1700000000000}", Json.write(bookmarks.path("copy")),
        "a finished copy keeps its version and no progress");
    assertEquals(1, bookmarks.path("changes").path("position").asInt(), bookmarks.toString());
  }

  @Test
  void aLaterCopyActivatesItsVersionOnlyAfterItsLastRecord() throws IOException {
    Path state = write("state.json", "{\"bookmarks\": {\"copy\": {\"version\": 5}}}");
    TapRun run = TapRun.run(new HookTap(), "--config",
        write("config.json", "{\"rows\": 3, \"version\": 9}").toString(), "--state", state.toString());
    assertEquals(0, run.exitCode(), run.describe());
    assertEquals(List.of("R:1:9", "R:2:9", "R:3:9", "A:9", "S:-", "S:-"), copyMessages(run));
    assertEquals(9, run.lastState().path("bookmarks").path("copy").path("version").asInt());
  }

  @Test
  void anInterruptedCopyResumesAfterItsBookmarkUnderTheSameVersion() throws IOException {
    Path state = write("state.json", "{\"bookmarks\": {\"copy\": {\"version\": 77, \"last_id\": 4},"
        + " \"changes\": {\"position\": 5}}}");
    TapRun run = TapRun.run(new HookTap(), "--config",
        write("config.json", "{\"rows\": 7, \"state_interval_rows\": 100}").toString(),
        "--state", state.toString());
    assertEquals(0, run.exitCode(), run.describe());
    assertEquals(List.of("R:5:77", "R:6:77", "R:7:77", "A:77", "S:-", "S:-"), copyMessages(run));
    assertEquals(6, run.records("changes").get(0).get("id").asInt());
    assertEquals("{\"copy\":{\"version\":77},\"changes\":{\"position\":6}}",
        Json.write(run.lastState().path("bookmarks")));
  }

  @Test
  void beforeSyncSeesEverySelectedStreamAndStopsTheRunBeforeAnyMessage() throws IOException {
    TapRun run = TapRun.run(new HookTap(), "--config", write("config.json", "{\"refuse\": true}").toString());
    assertEquals(2, run.exitCode(), run.describe());
    assertEquals("", run.stdout());
    assertTrue(run.stderr().contains("ERROR refused before syncing copy:FULL_TABLE, changes:LOG_BASED"),
        run.stderr());
  }

  @Test
  void aPlainTextNodeWritesThroughEveryJacksonGenerator() throws IOException {
    ObjectNode record = Json.object();
    record.set("name", new PlainTextNode("Zürich".getBytes(StandardCharsets.UTF_8)));
    assertEquals("{\"name\":\"Zürich\"}", Json.write(record));
    assertEquals("{\"name\":\"Zürich\"}", record.toString());
    assertEquals("\"Zürich\"", record.get("name").toString());
    assertEquals("{\"name\":\"Zürich\"}",
        new String(Json.mapper().writeValueAsBytes(record), StandardCharsets.UTF_8));
  }
}
