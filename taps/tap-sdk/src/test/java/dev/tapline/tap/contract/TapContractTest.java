package dev.tapline.tap.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Catalog;
import dev.tapline.spec.CatalogEntry;
import dev.tapline.spec.Json;
import dev.tapline.spec.Metadata;
import dev.tapline.spec.config.SettingsBinder;
import dev.tapline.spec.schema.MessageSchemas;
import dev.tapline.spec.schema.RecordValidator;
import dev.tapline.tap.ReplicationValues;
import dev.tapline.tap.Tap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every tap built on the SDK must show. A tap's test extends this class and says how
 * to make the tap and a working config; the suite then checks {@code --about}, {@code --version},
 * {@code --discover}, a full sync against the protocol's schemas and the streams' own schemas,
 * resuming from state, stream and property deselection, {@code --test} and a bad config.
 */
public abstract class TapContractTest {

  @TempDir protected Path workDirectory;

  /** A new instance of the tap under test. */
  protected abstract Tap<?> newTap();

  /**
   * A config with which a sync succeeds and emits records in at least one stream. Files the config
   * points at may be written into {@code directory}.
   */
  protected abstract ObjectNode config(Path directory) throws IOException;

  /** Whether at least one stream is incremental by default, so resuming can be checked. */
  protected boolean hasIncrementalStream() {
    return true;
  }

  /**
   * Whether the tap's bookmarks follow the clock rather than the data (a stream read in time
   * windows up to the sync's start, bookmarked at the window end): a second run over unchanged data
   * then moves them forward, so the suite checks that none moved back instead of none moved.
   */
  protected boolean bookmarksFollowTheClock() {
    return false;
  }

  private Path writeJson(String name, JsonNode node) throws IOException {
    Path file = workDirectory.resolve(name);
    Files.writeString(file, Json.write(node));
    return file;
  }

  private Path configFile() throws IOException {
    return writeJson("config.json", config(workDirectory));
  }

  private List<String> secretValues() throws IOException {
    Tap<?> tap = newTap();
    return SettingsBinder.of(tap.settingsType()).secretValues(config(workDirectory));
  }

  @Test
  void aboutAsJsonDescribesEverySettingAndNoSecretValue() throws IOException {
    Tap<?> tap = newTap();
    TapRun run = TapRun.run(tap, "--about", "--format", "json");
    assertEquals(0, run.exitCode(), run.describe());
    JsonNode about = Json.parse(run.stdout());
    assertEquals(tap.name(), about.path("name").asText());
    assertEquals(tap.version(), about.path("version").asText());
    assertTrue(about.path("capabilities").isArray() && about.path("capabilities").size() > 0);
    JsonNode properties = about.path("settings").path("properties");
    for (SettingsBinder.SettingInfo setting : SettingsBinder.of(tap.settingsType()).settings()) {
      assertTrue(properties.has(setting.name()), "--about lacks setting " + setting.name());
      if (setting.secret()) {
        assertTrue(properties.get(setting.name()).path("secret").asBoolean(),
            "secret setting " + setting.name() + " is not marked secret");
      }
    }
    for (String secret : secretValues()) {
      assertFalse(run.stdout().contains(secret), "--about shows a secret value");
    }
  }

  @Test
  void aboutAsMarkdownNamesEverySetting() {
    Tap<?> tap = newTap();
    TapRun run = TapRun.run(tap, "--about", "--format", "markdown");
    assertEquals(0, run.exitCode(), run.describe());
    assertTrue(run.stdout().startsWith("# " + tap.name()), run.stdout());
    for (SettingsBinder.SettingInfo setting : SettingsBinder.of(tap.settingsType()).settings()) {
      assertTrue(run.stdout().contains("`" + setting.name() + "`"), "markdown lacks " + setting.name());
    }
  }

  @Test
  void versionPrintsNameAndVersion() {
    Tap<?> tap = newTap();
    TapRun run = TapRun.run(tap, "--version");
    assertEquals(0, run.exitCode(), run.describe());
    assertEquals(tap.name() + " " + tap.version(), run.stdout().trim());
  }

  @Test
  void discoverWritesACatalogWithMetadataOnEveryStream() throws IOException {
    TapRun run = TapRun.run(newTap(), "--config", configFile().toString(), "--discover");
    assertEquals(0, run.exitCode(), run.describe());
    Catalog catalog = Catalog.fromJson(Json.parse(run.stdout()));
    assertFalse(catalog.streams().isEmpty(), "the catalog has no stream");
    for (CatalogEntry entry : catalog.streams()) {
      Metadata metadata = entry.metadata();
      assertNotNull(metadata.stream(Metadata.INCLUSION), entry.stream() + " lacks inclusion");
      assertNotNull(metadata.stream(Metadata.SELECTED_BY_DEFAULT), entry.stream() + " lacks selected-by-default");
      assertNotNull(metadata.stream(Metadata.TABLE_KEY_PROPERTIES), entry.stream() + " lacks table-key-properties");
      entry.schema().path("properties").fieldNames().forEachRemaining(property ->
          assertNotNull(metadata.get(Metadata.property(property), Metadata.INCLUSION),
              entry.stream() + "." + property + " lacks inclusion"));
    }
  }

  @Test
  void fullSyncFollowsTheProtocolAndTheStreamSchemas() throws IOException {
    TapRun run = TapRun.run(newTap(), "--config", configFile().toString());
    assertEquals(0, run.exitCode(), run.describe());
    List<JsonNode> messages = run.messages();
    assertFalse(messages.isEmpty());
    Map<String, RecordValidator> validators = new HashMap<>();
    int records = 0;
    for (int i = 0; i < messages.size(); i++) {
      JsonNode message = messages.get(i);
      List<String> problems = MessageSchemas.get().validate(message);
      assertTrue(problems.isEmpty(), "line " + (i + 1) + " breaks the protocol: " + problems);
      String type = message.get("type").asText();
      if (type.equals("SCHEMA")) {
        validators.put(message.get("stream").asText(),
            RecordValidator.compile((ObjectNode) message.get("schema")));
      } else if (type.equals("RECORD")) {
        RecordValidator validator = validators.get(message.get("stream").asText());
        assertNotNull(validator, "line " + (i + 1) + ": RECORD before its SCHEMA");
        List<String> invalid = validator.validate(message.get("record"));
        assertTrue(invalid.isEmpty(), "line " + (i + 1) + " does not match its schema: " + invalid);
        records++;
      }
    }
    assertTrue(records > 0, "the sync emitted no record");
    assertEquals("STATE", messages.get(messages.size() - 1).get("type").asText(),
        "the last message is not a STATE");
    for (String secret : secretValues()) {
      assertFalse(run.stderr().contains(secret), "stderr shows a secret value");
    }
    assertTrue(run.stderr().contains("\"metric\":\"record_count\""), "no record_count metric");
    assertTrue(run.stderr().contains("\"metric\":\"job_duration\""), "no job_duration metric");
  }

  @Test
  void resumingFromTheFinalStateEmitsNothingOlderThanTheBookmark() throws IOException {
    Path config = configFile();
    TapRun first = TapRun.run(newTap(), "--config", config.toString());
    assertEquals(0, first.exitCode(), first.describe());
    JsonNode state = first.lastState();
    assertNotNull(state);
    JsonNode bookmarks = state.path("bookmarks");
    if (hasIncrementalStream()) {
      assertTrue(bookmarks.size() > 0, "no bookmark in the final state: " + state);
    }
    Path stateFile = writeJson("state.json", state);
    TapRun second = TapRun.run(newTap(), "--config", config.toString(), "--state", stateFile.toString());
    assertEquals(0, second.exitCode(), second.describe());
    for (Map.Entry<String, JsonNode> bookmark : bookmarks.properties()) {
      String stream = bookmark.getKey();
      String key = bookmark.getValue().path("replication_key").asText(null);
      JsonNode value = bookmark.getValue().get("replication_key_value");
      if (key == null || value == null) {
        continue;
      }
      JsonNode propertySchema = second.schemas(stream).get(0).path("schema").path("properties").get(key);
      ReplicationValues order = ReplicationValues.forSchema(propertySchema);
      for (ObjectNode record : second.records(stream)) {
        JsonNode recordValue = record.get(key);
        if (recordValue != null && !recordValue.isNull()) {
          assertTrue(order.compare(recordValue, value) >= 0,
              stream + ": record with " + key + " = " + recordValue + " is older than the bookmark " + value);
        }
      }
      assertTrue(second.records(stream).size() <= first.records(stream).size());
    }
    JsonNode secondBookmarks = second.lastState().path("bookmarks");
    if (bookmarksFollowTheClock()) {
      assertNoBookmarkMovedBack(bookmarks, secondBookmarks, second);
      return;
    }
    // a full-table copy is a new table version on every run: its version is not a position
    assertEquals(withoutVersions(bookmarks), withoutVersions(secondBookmarks),
        "a second run over unchanged data moved a bookmark");
  }

  private static void assertNoBookmarkMovedBack(JsonNode first, JsonNode second, TapRun run) {
    assertEquals(first.size(), second.size(), "bookmarks of the second run: " + second);
    for (Map.Entry<String, JsonNode> bookmark : first.properties()) {
      String stream = bookmark.getKey();
      JsonNode later = second.path(stream);
      String key = bookmark.getValue().path("replication_key").asText(null);
      JsonNode value = bookmark.getValue().get("replication_key_value");
      if (key == null || value == null) {
        ObjectNode pair = Json.object();
        pair.set("first", bookmark.getValue());
        pair.set("second", later);
        JsonNode compared = withoutVersions(pair);
        assertEquals(compared.get("first"), compared.get("second"), stream);
        continue;
      }
      assertEquals(key, later.path("replication_key").asText(null), stream);
      ReplicationValues order = ReplicationValues.forSchema(
          run.schemas(stream).get(0).path("schema").path("properties").get(key));
      assertTrue(order.compare(later.get("replication_key_value"), value) >= 0,
          stream + ": the bookmark moved back from " + value + " to " + later);
    }
  }

  private static JsonNode withoutVersions(JsonNode bookmarks) {
    JsonNode copy = bookmarks.deepCopy();
    for (JsonNode bookmark : copy) {
      if (bookmark instanceof ObjectNode object) {
        object.remove("version");
      }
    }
    return copy;
  }

  @Test
  void aDeselectedStreamEmitsNothing() throws IOException {
    Path config = configFile();
    Catalog catalog = discover(config);
    CatalogEntry first = catalog.streams().get(0);
    List<CatalogEntry> entries = new ArrayList<>();
    for (CatalogEntry entry : catalog.streams()) {
      entries.add(entry == first
          ? entry.withMetadata(entry.metadata().with(List.of(), Metadata.SELECTED, false))
          : entry);
    }
    Path catalogFile = writeJson("catalog.json", new Catalog(entries).toJson());
    TapRun run = TapRun.run(newTap(), "--config", config.toString(), "--catalog", catalogFile.toString());
    assertEquals(0, run.exitCode(), run.describe());
    for (JsonNode message : run.messages()) {
      assertFalse(first.stream().equals(message.path("stream").asText()),
          "deselected stream " + first.stream() + " emitted " + message.path("type").asText());
    }
    assertEquals("STATE", run.messages().get(run.messages().size() - 1).path("type").asText());
  }

  @Test
  void aDeselectedPropertyIsAbsentFromSchemaAndRecords() throws IOException {
    Path config = configFile();
    Catalog catalog = discover(config);
    CatalogEntry chosen = null;
    String property = null;
    for (CatalogEntry entry : catalog.streams()) {
      for (List<String> breadcrumb : entry.metadata().breadcrumbs()) {
        JsonNode inclusion = entry.metadata().get(breadcrumb, Metadata.INCLUSION);
        if (breadcrumb.size() == 2 && inclusion != null && inclusion.asText().equals(Metadata.AVAILABLE)) {
          chosen = entry;
          property = breadcrumb.get(1);
          break;
        }
      }
      if (chosen != null) {
        break;
      }
    }
    assertNotNull(chosen, "no stream has a property that can be deselected");
    List<CatalogEntry> entries = new ArrayList<>();
    for (CatalogEntry entry : catalog.streams()) {
      entries.add(entry == chosen
          ? entry.withMetadata(entry.metadata().with(Metadata.property(property), Metadata.SELECTED, false))
          : entry);
    }
    Path catalogFile = writeJson("catalog.json", new Catalog(entries).toJson());
    TapRun run = TapRun.run(newTap(), "--config", config.toString(), "--catalog", catalogFile.toString());
    assertEquals(0, run.exitCode(), run.describe());
    JsonNode schema = run.schemas(chosen.stream()).get(0).path("schema");
    assertFalse(schema.path("properties").has(property), "the SCHEMA still has " + property);
    List<ObjectNode> records = run.records(chosen.stream());
    assertFalse(records.isEmpty(), "stream " + chosen.stream() + " emitted no record");
    for (ObjectNode record : records) {
      assertFalse(record.has(property), "a record still has " + property);
    }
  }

  @Test
  void testModeReadsAtMostOneRecordOfEachStream() throws IOException {
    TapRun run = TapRun.run(newTap(), "--config", configFile().toString(), "--test");
    assertEquals(0, run.exitCode(), run.describe());
    Set<String> seen = new HashSet<>();
    for (JsonNode message : run.messages()) {
      if (message.path("type").asText().equals("RECORD")) {
        assertTrue(seen.add(message.path("stream").asText()),
            "--test emitted two records of " + message.path("stream").asText());
      }
    }
    assertFalse(seen.isEmpty(), "--test read no record");
  }

  @Test
  void aBadConfigExitsWithCodeTwoNamingEveryProblem() throws IOException {
    Tap<?> tap = newTap();
    ObjectNode config = Json.object();
    config.put("no_such_setting_at_all", 1);
    Path file = writeJson("bad.json", config);
    TapRun run = TapRun.run(tap, "--config", file.toString());
    assertEquals(2, run.exitCode(), run.describe());
    assertTrue(run.stdout().isEmpty(), "a failed run wrote to stdout: " + run.stdout());
    assertTrue(run.stderr().contains("ERROR"), run.stderr());
    assertTrue(run.stderr().contains("no_such_setting_at_all"), run.stderr());
    for (SettingsBinder.SettingInfo setting : SettingsBinder.of(tap.settingsType()).settings()) {
      if (setting.required()) {
        assertTrue(run.stderr().contains("'" + setting.name() + "'"),
            "the error does not name missing setting " + setting.name() + ":\n" + run.stderr());
      }
    }
    assertFalse(run.stderr().contains("\tat "), "a stack trace was printed:\n" + run.stderr());
  }

  private Catalog discover(Path config) {
    TapRun run = TapRun.run(newTap(), "--config", config.toString(), "--discover");
    assertEquals(0, run.exitCode(), run.describe());
    return Catalog.fromJson(Json.parse(run.stdout()));
  }
}
