package dev.tapline.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.TaplineException;
import dev.tapline.spec.config.Setting;
import dev.tapline.tap.contract.TapRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bookmarks a stream chooses ({@link StreamContext#advanceBookmark}) and bookmarks per partition
 * ({@link StreamContext#beginPartition}), driven by a script of steps a test stream follows.
 */
class ChosenBookmarkTest {

  /**
   * A tap with one stream, {@code ticks} (key {@code id}, replication key {@code at}, an integer),
   * following {@code script}: {@code r:ID:AT} hands over a record, {@code a:VALUE} advances the
   * bookmark of the current view, {@code p:NAME} begins partition {@code {"shard": NAME}}, {@code
   * fail} throws.
   */
  static final class ScriptTap extends Tap<ScriptTap.Settings> {
    record Settings(
        @Setting(description = "Steps of the stream") String script,
        @Setting(description = "Signpost, or -1 for none", defaultValue = "-1") long signpost) {}

    @Override
    protected List<TapStream> streams(Settings settings) {
      ObjectNode schema = (ObjectNode) Json.parse("""
          {"type": "object", "properties": {"id": {"type": "integer"}, "at": {"type": "integer"},
           "start": {"type": ["integer", "null"]}}}""");
      StreamSpec spec = StreamSpec.of("ticks", schema).withKeyProperties("id")
          .withReplicationKey("at", false);
      return List.of(new TapStream() {
        @Override
        public StreamSpec spec() {
          return spec;
        }

        @Override
        public JsonNode signpost(StreamContext context) {
          return settings.signpost() < 0 ? null : Json.NODES.numberNode(settings.signpost());
        }

        @Override
        public java.util.stream.Stream<ObjectNode> records(StreamContext context) {
          Iterator<ObjectNode> steps = new Script(settings.script().split(" "), context);
          return StreamSupport.stream(Spliterators.spliteratorUnknownSize(steps, Spliterator.ORDERED), false);
        }
      });
    }
  }

  /** Runs the steps up to each record, on the thread reading the records. */
  private static final class Script implements Iterator<ObjectNode> {
    private final String[] steps;
    private StreamContext view;
    private int position;
    private ObjectNode next;

    Script(String[] steps, StreamContext context) {
      this.steps = steps;
      this.view = context;
    }

    @Override
    public boolean hasNext() {
      while (next == null && position < steps.length) {
        String[] step = steps[position++].split(":");
        switch (step[0]) {
          case "r" -> {
            next = Json.object().put("id", Long.parseLong(step[1])).put("at", Long.parseLong(step[2]));
            view.startingValue().ifPresent(start -> next.set("start", start));
          }
          case "a" -> view.advanceBookmark(Json.NODES.numberNode(Long.parseLong(step[1])));
          case "p" -> view = view.beginPartition(Json.object().put("shard", step[1]));
          case "fail" -> throw new TaplineException("the source went away");
          default -> throw new IllegalArgumentException(steps[position - 1]);
        }
      }
      return next != null;
    }

    @Override
    public ObjectNode next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      ObjectNode record = next;
      next = null;
      return record;
    }
  }

  @TempDir Path directory;

  private TapRun run(String script, long signpost, String state) throws IOException {
    ObjectNode config = Json.object().put("script", script).put("signpost", signpost);
    Path configFile = Files.writeString(directory.resolve("config.json"), Json.write(config));
    if (state == null) {
      return TapRun.run(new ScriptTap(), "--config", configFile.toString());
    }
    Path stateFile = Files.writeString(directory.resolve("state.json"), state);
    return TapRun.run(new ScriptTap(), "--config", configFile.toString(), "--state", stateFile.toString());
  }

  /** The run's RECORD and STATE lines as {@code R<id>} and {@code S<bookmark value>}. */
  private static List<String> sequence(TapRun run) {
    List<String> seen = new ArrayList<>();
    for (JsonNode message : run.messages()) {
      switch (message.path("type").asText()) {
        case "RECORD" -> seen.add("R" + message.path("record").path("id").asText());
        case "STATE" -> seen.add("S" + message.path("value").path("bookmarks").path("ticks")
            .path("replication_key_value").asText("-"));
        default -> { }
      }
    }
    return seen;
  }

  @Test
  void theChosenValueIsTheBookmarkWrittenAfterItsRecordsAndNeverMovesBack() throws IOException {
    TapRun run = run("r:1:50 a:20 r:2:30 a:10 r:3:60", -1, null);
    assertEquals(0, run.exitCode(), run.describe());
    // 50 and 60 were seen, but the stream chose 20; the lower 10 does not move it back
    assertEquals(List.of("R1", "S20", "R2", "R3"), sequence(run));
    assertEquals(20, run.lastState().path("bookmarks").path("ticks").path("replication_key_value").asInt());
  }

  @Test
  void theChosenValueStopsAtTheSignpostAndNotBelowThePriorBookmark() throws IOException {
    TapRun capped = run("r:1:5 a:40", 15, null);
    assertEquals(List.of("R1", "S15"), sequence(capped));
    TapRun prior = run("r:1:9 a:12", -1, """
        {"bookmarks": {"ticks": {"replication_key": "at", "replication_key_value": 30}}}""");
    assertEquals(0, prior.exitCode(), prior.describe());
    assertEquals(List.of("S30"), sequence(prior), "the record below the bookmark is dropped and 12 < 30");
  }

  @Test
  void aFailingStreamKeepsTheLastChosenBookmarkAfterTheRecordsItCovers() throws IOException {
    TapRun run = run("r:1:5 r:2:4 a:10 r:3:12 fail", -1, null);
    assertEquals(1, run.exitCode(), run.describe());
    assertEquals(List.of("R1", "R2", "S10", "R3"), sequence(run));
    assertTrue(run.stderr().contains("the source went away"), run.stderr());
  }

  @Test
  void partitionsKeepTheirOwnBookmarksAndStartingValues() throws IOException {
    String state = """
        {"bookmarks": {"ticks": {"partitions": [
          {"context": {"shard": "old"}, "replication_key": "at", "replication_key_value": 3},
          {"context": {"shard": "x"}, "replication_key": "at", "replication_key_value": 7}]}}}""";
    TapRun run = run("p:x r:1:5 r:2:8 p:y r:3:2 a:9 p:x r:4:11", -1, state);
    assertEquals(0, run.exitCode(), run.describe());
    List<ObjectNode> records = run.records("ticks");
    assertEquals(List.of("2", "3", "4"), records.stream().map(r -> r.path("id").asText()).toList(),
        "record 1 is older than its partition's bookmark");
    assertEquals(7, records.get(0).path("start").asInt(), "x does not start at its own bookmark");
    assertTrue(records.get(1).path("start").isMissingNode(), "y has no bookmark nor start date");
    JsonNode bookmark = run.lastState().path("bookmarks").path("ticks");
    assertEquals(Json.parse("""
        [{"context": {"shard": "old"}, "replication_key": "at", "replication_key_value": 3},
         {"context": {"shard": "x"}, "replication_key": "at", "replication_key_value": 11},
         {"context": {"shard": "y"}, "replication_key": "at", "replication_key_value": 9}]"""),
        bookmark.get("partitions"));
    assertTrue(bookmark.path("replication_key_value").isMissingNode(), bookmark.toString());
  }
}
