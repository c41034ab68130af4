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
import dev.tapline.tap.contract.TapRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SDK's sync: bookmarks, resuming, signposts, order checks, selection, settings. */
class TapSyncTest {

  private static final String TOKEN = "tok-9f8e7d6c5b";

  @TempDir Path directory;

  private Path write(String name, String json) throws IOException {
    Path file = directory.resolve(name);
    Files.writeString(file, json);
    return file;
  }

  private Path config(String extra) throws IOException {
    return write("config.json", "{\"api_token\": \"" + TOKEN + "\"" + (extra.isEmpty() ? "" : ", " + extra) + "}");
  }

  private static List<Integer> ids(TapRun run) {
    List<Integer> ids = new ArrayList<>();
    run.records("events").forEach(record -> ids.add(record.get("id").intValue()));
    return ids;
  }

  private static List<JsonNode> states(TapRun run) {
    List<JsonNode> states = new ArrayList<>();
    for (JsonNode message : run.messages()) {
      if (message.get("type").asText().equals("STATE")) {
        states.add(message.get("value"));
      }
    }
    return states;
  }

  private static String eventsBookmark(JsonNode state) {
    return state.path("bookmarks").path("events").path("replication_key_value").asText(null);
  }

  @Test
  void aSortedStreamGetsAStateEveryIntervalAndAtItsEnd() throws IOException {
    TapRun run = TapRun.run(new SampleTap(), "--config", config("\"rows\": 25, \"state_interval_rows\": 10").toString());
    assertEquals(0, run.exitCode(), run.describe());
    List<String> bookmarks = new ArrayList<>();
    states(run).forEach(state -> bookmarks.add(eventsBookmark(state)));
    assertEquals(List.of(SampleTap.hour(10), SampleTap.hour(20), SampleTap.hour(25), SampleTap.hour(25)), bookmarks);
    assertEquals("updated_at", run.lastState().path("bookmarks").path("events").path("replication_key").asText());
  }

  @Test
  void resumingEmitsRecordsAtTheBookmarkAgain() throws IOException {
    Path state = write("state.json", "{\"bookmarks\": {\"events\": {\"replication_key\": \"updated_at\","
        + " \"replication_key_value\": \"" + SampleTap.hour(10) + "\"}}}");
    TapRun run = TapRun.run(new SampleTap(), "--config", config("\"rows\": 12").toString(), "--state", state.toString());
    assertEquals(0, run.exitCode(), run.describe());
    assertEquals(List.of(10, 11, 12), ids(run));
  }

  @Test
  void aBookmarkWrittenWithAnotherOffsetIsComparedAsAnInstant() throws IOException {
    // 2024-01-01T12:00:00+02:00 is 10:00Z.
    Path state = write("state.json", "{\"bookmarks\": {\"events\": {\"replication_key\": \"updated_at\","
        + " \"replication_key_value\": \"2024-01-01T12:00:00+02:00\"}}}");
    TapRun run = TapRun.run(new SampleTap(), "--config", config("\"rows\": 12").toString(), "--state", state.toString());
    assertEquals(List.of(10, 11, 12), ids(run));
  }

  @Test
  void startDateIsTheStartingValueWithoutBookmark() throws IOException {
    TapRun run = TapRun.run(new SampleTap(), "--config",
        config("\"rows\": 12, \"start_date\": \"" + SampleTap.hour(11) + "\"").toString());
    assertEquals(0, run.exitCode(), run.describe());
    assertEquals(List.of(11, 12), ids(run));
  }

  @Test
  void theBookmarkNeverPassesTheSignpost() throws IOException {
    TapRun run = TapRun.run(new SampleTap(), "--config",
        config("\"rows\": 12, \"signpost\": \"" + SampleTap.hour(5) + "\"").toString());
    assertEquals(0, run.exitCode(), run.describe());
    assertEquals(12, ids(run).size());
    assertEquals(SampleTap.hour(5), eventsBookmark(run.lastState()));
  }

  @Test
  void aSortedStreamGoingBackwardsFailsNamingStreamValuesAndRecord() throws IOException {
    TapRun run = TapRun.run(new SampleTap(), "--config", config("\"rows\": 10, \"shuffled\": true").toString());
    assertEquals(1, run.exitCode(), run.describe());
    String error = run.stderr().lines().filter(line -> line.startsWith("ERROR")).findFirst().orElse("");
    assertTrue(error.contains("'events'"), error);
    assertTrue(error.contains("record 5"), error);
    assertTrue(error.contains(SampleTap.hour(1)) && error.contains(SampleTap.hour(4)), error);
    assertTrue(error.contains("unsorted"), error);
    assertFalse(run.stderr().contains("\tat "), "stack trace without debug");
  }

  @Test
  void debugLevelAddsTheStackTrace() throws IOException {
    TapRun run = TapRun.run(new SampleTap(), Map.of("TAPLINE_LOG_LEVEL", "debug"),
        "--config", config("\"rows\": 10, \"shuffled\": true").toString());
    assertEquals(1, run.exitCode());
    assertTrue(run.stderr().contains("\tat "), run.stderr());
  }

  @Test
  void anUnsortedStreamIsBookmarkedAtItsMaximumOnlyAtItsEnd() throws IOException {
    TapRun run = TapRun.run(new SampleTap(), "--config",
        config("\"rows\": 30, \"shuffled\": true, \"declare_unsorted\": true, \"state_interval_rows\": 5").toString());
    assertEquals(0, run.exitCode(), run.describe());
    List<JsonNode> states = states(run);
    assertEquals(SampleTap.hour(30), eventsBookmark(states.get(0)));
    assertEquals(2, states.size(), "states: " + states);
  }

  @Test
  void bookmarksOfStreamsNotSyncedAreKept() throws IOException {
    Path state = write("state.json", "{\"bookmarks\": {\"gone\": {\"replication_key_value\": 42}},"
        + " \"custom\": true}");
    TapRun run = TapRun.run(new SampleTap(), "--config", config("\"rows\": 3").toString(), "--state", state.toString());
    assertEquals(42, run.lastState().path("bookmarks").path("gone").path("replication_key_value").intValue());
    assertTrue(run.lastState().path("custom").asBoolean());
    assertEquals(SampleTap.hour(3), eventsBookmark(run.lastState()));
  }

  @Test
  void aStateFileHoldingAStateMessageIsAccepted() throws IOException {
    Path state = write("state.json", "{\"type\": \"STATE\", \"value\": {\"bookmarks\": {\"events\":"
        + " {\"replication_key\": \"updated_at\", \"replication_key_value\": \"" + SampleTap.hour(3) + "\"}}}}");
    TapRun run = TapRun.run(new SampleTap(), "--config", config("\"rows\": 4").toString(), "--state", state.toString());
    assertEquals(List.of(3, 4), ids(run));
  }

  private Path catalog(java.util.function.UnaryOperator<CatalogEntry> change) throws IOException {
    TapRun discovery = TapRun.run(new SampleTap(), "--config", config("").toString(), "--discover");
    Catalog catalog = Catalog.fromJson(Json.parse(discovery.stdout()));
    List<CatalogEntry> entries = new ArrayList<>();
    catalog.streams().forEach(entry -> entries.add(entry.stream().equals("events") ? change.apply(entry) : entry));
    return write("catalog.json", Json.write(new Catalog(entries).toJson()));
  }

  @Test
  void discoveryMarksKeysAndReplicationKeyAutomatic() throws IOException {
    TapRun run = TapRun.run(new SampleTap(), "--config", config("").toString(), "--discover");
    CatalogEntry events = Catalog.fromJson(Json.parse(run.stdout())).find("events").orElseThrow();
    Metadata metadata = events.metadata();
    assertEquals("automatic", metadata.get(Metadata.property("id"), Metadata.INCLUSION).asText());
    assertEquals("automatic", metadata.get(Metadata.property("updated_at"), Metadata.INCLUSION).asText());
    assertEquals("available", metadata.get(Metadata.property("note"), Metadata.INCLUSION).asText());
    assertEquals("[\"updated_at\"]", metadata.stream(Metadata.VALID_REPLICATION_KEYS).toString());
    assertEquals("[\"id\"]", metadata.stream(Metadata.TABLE_KEY_PROPERTIES).toString());
  }

  @Test
  void automaticPropertiesAreKeptEvenWhenDeselected() throws IOException {
    Path catalog = catalog(entry -> entry.withMetadata(entry.metadata()
        .with(Metadata.property("id"), Metadata.SELECTED, false)
        .with(Metadata.property("note"), Metadata.SELECTED, false)));
    TapRun run = TapRun.run(new SampleTap(), "--config", config("\"rows\": 2").toString(), "--catalog", catalog.toString());
    assertEquals(0, run.exitCode(), run.describe());
    ObjectNode record = run.records("events").get(0);
    assertTrue(record.has("id"));
    assertFalse(record.has("note"));
  }

  @Test
  void fullTableFromTheCatalogReadsEverythingAndKeepsNoBookmark() throws IOException {
    Path catalog = catalog(entry -> entry.withMetadata(entry.metadata()
        .with(List.of(), Metadata.REPLICATION_METHOD, "FULL_TABLE")));
    Path state = write("state.json", "{\"bookmarks\": {\"events\": {\"replication_key\": \"updated_at\","
        + " \"replication_key_value\": \"" + SampleTap.hour(3) + "\"}}}");
    TapRun run = TapRun.run(new SampleTap(), "--config", config("\"rows\": 5").toString(),
        "--catalog", catalog.toString(), "--state", state.toString());
    assertEquals(0, run.exitCode(), run.describe());
    assertEquals(List.of(1, 2, 3, 4, 5), ids(run));
    assertTrue(run.schemas("events").get(0).path("bookmark_properties").isMissingNode());
    assertEquals(SampleTap.hour(3), eventsBookmark(run.lastState()), "the old bookmark is left as it was");
  }

  @Test
  void aReplicationKeyTheStreamDoesNotOfferIsABadCatalog() throws IOException {
    Path catalog = catalog(entry -> entry.withMetadata(entry.metadata()
        .with(List.of(), Metadata.REPLICATION_KEY, "note")));
    TapRun run = TapRun.run(new SampleTap(), "--config", config("").toString(), "--catalog", catalog.toString());
    assertEquals(2, run.exitCode(), run.describe());
    assertTrue(run.stderr().contains("'note'") && run.stderr().contains("updated_at"), run.stderr());
  }

  @Test
  void everySettingsProblemIsReportedAtOnce() throws IOException {
    Path file = write("bad.json", "{\"rows\": \"many\", \"state_interval_rows\": 0, \"colour\": 1}");
    TapRun run = TapRun.run(new SampleTap(), "--config", file.toString());
    assertEquals(2, run.exitCode(), run.describe());
    assertTrue(run.stderr().contains("'api_token'"), run.stderr());
    assertTrue(run.stderr().contains("'rows'"), run.stderr());
    assertTrue(run.stderr().contains("'colour'"), run.stderr());
    assertTrue(run.stdout().isEmpty());
  }

  @Test
  void environmentVariablesAreAConfigSourceAndLaterSourcesWin() throws IOException {
    Path file = write("c.json", "{\"api_token\": \"from-file\", \"rows\": 7}");
    Map<String, String> environment = Map.of("TAP_SAMPLE_API_TOKEN", TOKEN, "TAP_SAMPLE_ROWS", "2");
    TapRun environmentLast = TapRun.run(new SampleTap(), environment, "--config", file.toString(), "--config", "ENV");
    assertEquals(0, environmentLast.exitCode(), environmentLast.describe());
    assertEquals(2, ids(environmentLast).size());
    assertFalse(environmentLast.stderr().contains(TOKEN));
    TapRun fileLast = TapRun.run(new SampleTap(), environment, "--config", "ENV", "--config", file.toString());
    assertEquals(7, ids(fileLast).size());
  }

  @Test
  void secretsAreMaskedInLogsAndAbsentFromAbout() throws IOException {
    TapRun run = TapRun.run(new SampleTap(), "--config", config("\"rows\": 1").toString());
    assertEquals(0, run.exitCode(), run.describe());
    assertFalse(run.stderr().contains(TOKEN), run.stderr());
    assertTrue(run.stderr().contains("Connecting with token ********"), run.stderr());
    TapRun about = TapRun.run(new SampleTap(), "--config", config("").toString(), "--about");
    assertFalse(about.stdout().contains(TOKEN));
    assertTrue(Json.parse(about.stdout()).path("settings").path("properties").path("api_token").path("secret").asBoolean());
  }

  @Test
  void aMissingConfigFileIsNamed() {
    Path missing = directory.resolve("nope.json");
    TapRun run = TapRun.run(new SampleTap(), "--config", missing.toString());
    assertEquals(2, run.exitCode(), run.describe());
    assertTrue(run.stderr().contains(missing.toString()), run.stderr());
  }

  @Test
  void anUnknownOptionIsAUsageError() {
    TapRun run = TapRun.run(new SampleTap(), "--colour");
    assertEquals(2, run.exitCode());
    assertTrue(run.stderr().startsWith("ERROR"), run.stderr());
  }

  @Test
  void theDefaultNameIsDerivedFromTheClass() {
    assertEquals("tap-sample", new SampleTap().name());
    assertEquals("dev", new SampleTap().version());
  }
}
