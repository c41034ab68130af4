package dev.tapline.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TargetTest {

  @TempDir Path folder;

  private final List<String> events = new ArrayList<>();

  /** Runs the recording target; echoed states land in {@link #events} as {@code echo <value>}. */
  private TargetHarness.Result run(String input, ObjectNode config, Map<String, String> environment) {
    RecordingTarget target = new RecordingTarget(events);
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    EchoRecorder stdout = new EchoRecorder();
    int code;
    try (PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8)) {
      code = target.execute(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), stdout, err,
          environment, "--config", TargetHarness.writeConfig(folder, config).toString());
    }
    return new TargetHarness.Result(code, stdout.text.toString(StandardCharsets.UTF_8),
        stderr.toString(StandardCharsets.UTF_8));
  }

  private TargetHarness.Result run(String input, ObjectNode config) {
    return run(input, config, Map.of());
  }

  private static ObjectNode config(int batchSizeRows) {
    ObjectNode config = Json.object();
    config.put("batch_size_rows", batchSizeRows);
    config.put("validate_records", false);
    return config;
  }

  /** Collects stdout and adds each completed line to the events as it is written. */
  private final class EchoRecorder extends OutputStream {
    final ByteArrayOutputStream text = new ByteArrayOutputStream();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    @Override
    public void write(int b) {
      text.write(b);
      if (b == '\n') {
        JsonNode message = Json.parse(line.toString(StandardCharsets.UTF_8));
        events.add("echo " + message.get("value"));
        line.reset();
      } else {
        line.write(b);
      }
    }
  }

  // ---- the state rule

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 10, 25, 1000})
  void everyEchoedStateFollowsTheCommitOfEveryRecordBeforeIt(int batchSize) {
    String name = "messages-pg-logical-streams.json";
    List<String> lines = TargetHarness.fixtureLines(name);
    TargetHarness.Result result = run(String.join("\n", lines), config(batchSize));
    assertEquals(0, result.exitCode(), result.stderr());

    Map<String, List<Integer>> recordLines = new HashMap<>();
    List<Integer> stateLines = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      JsonNode message = Json.parse(lines.get(i));
      switch (message.get("type").asText()) {
        case "RECORD" -> recordLines.computeIfAbsent(message.get("stream").asText(), s -> new ArrayList<>()).add(i + 1);
        case "STATE" -> stateLines.add(i + 1);
        default -> { }
      }
    }
    Map<String, Integer> written = new HashMap<>();
    Map<String, Integer> committed = new HashMap<>();
    int lastEchoedLine = 0;
    int echoes = 0;
    for (String event : events) {
      String[] parts = event.split(" ", 3);
      switch (parts[0]) {
        case "write" -> written.merge(parts[1], 1, Integer::sum);
        case "commit" -> committed.put(parts[1], written.getOrDefault(parts[1], 0));
        case "echo" -> {
          JsonNode value = Json.parse(event.substring(5));
          int line = 0;
          for (int stateLine : stateLines) {
            if (stateLine > lastEchoedLine && Json.parse(lines.get(stateLine - 1)).get("value").equals(value)) {
              line = stateLine;
              break;
            }
          }
          assertTrue(line > 0, "echoed a state the tap never sent after line " + lastEchoedLine + ": " + value);
          int echoedLine = line;
          for (Map.Entry<String, List<Integer>> stream : recordLines.entrySet()) {
            long before = stream.getValue().stream().filter(recordLine -> recordLine < echoedLine).count();
            assertTrue(committed.getOrDefault(stream.getKey(), 0) >= before,
                "the state of line " + line + " was echoed before the records of " + stream.getKey()
                    + " that came before it were committed");
          }
          lastEchoedLine = line;
          echoes++;
        }
        default -> { }
      }
    }
    assertTrue(echoes > 0);
    assertEquals(stateLines.get(stateLines.size() - 1), lastEchoedLine, "the latest state is echoed at the end");
  }

  @Test
  void whenOneStreamIsFullEveryStreamIsCommittedThenTheLatestStateIsEchoed() {
    String input = schema("a") + schema("b")
        + record("a", 1) + record("b", 1) + state("{\"n\":1}")
        + record("a", 2) + state("{\"n\":2}") + record("b", 2);
    run(input, config(2));
    assertEquals(List.of(
        "write a {\"id\":1}", "write b {\"id\":1}", "write a {\"id\":2}",
        "commit a", "commit b", "echo {\"n\":1}", "echo {\"n\":2}",
        "write b {\"id\":2}", "commit b", "close a", "close b"), events);
  }

  @Test
  void anEmptyStateNeverReplacesANonEmptyOneAndRepeatsAreNotEchoed() {
    String input = state("{}") + state("{\"n\":1}") + state("{\"n\":1}") + state("{}") + schema("a")
        + record("a", 1) + state("{}");
    TargetHarness.Result result = run(input, config(10));
    assertEquals(List.of(Json.parse("{}"), Json.parse("{\"n\":1}")), result.states());
  }

  @Test
  void noStateIsEchoedWhenNoneArrives() {
    TargetHarness.Result result = run(schema("a") + record("a", 1), config(10));
    assertEquals(0, result.exitCode());
    assertEquals(List.of(), result.states());
    assertEquals(List.of("write a {\"id\":1}", "commit a", "close a"), events);
  }

  @Test
  void flushesByBytes() {
    ObjectNode config = config(1000);
    config.put("batch_size_bytes", 90);
    String input = schema("a") + record("a", 1) + state("{\"n\":1}") + record("a", 2) + record("a", 3);
    run(input, config);
    assertEquals(List.of("write a {\"id\":1}", "write a {\"id\":2}", "commit a", "echo {\"n\":1}",
        "write a {\"id\":3}", "commit a", "close a"), events);
  }

  @Test
  void aTargetsOwnDefaultsApplyWhereTheConfigIsSilent() {
    String input = schema("a") + record("a", 1) + record("a", 2) + record("a", 3) + record("a", 4) + record("a", 5);
    for (boolean configured : new boolean[] {false, true}) {
      RecordingTarget target = new RecordingTarget(new ArrayList<>());
      target.defaults.put("batch_size_rows", 2);
      ObjectNode config = Json.object();
      if (configured) {
        config.put("batch_size_rows", 3);
      }
      int code = target.execute(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
          new ByteArrayOutputStream(), new PrintStream(new ByteArrayOutputStream()), Map.of(),
          "--config", TargetHarness.writeConfig(folder, config).toString());
      assertEquals(0, code);
      // batches of 2 (the target's default) end after records 2 and 4; of 3 (the config's) after 3; of the
      // SDK's 100,000 only at the end
      int commitsBeforeLastRecord = target.events.subList(0, target.events.indexOf("write a {\"id\":5}")).stream()
          .filter(event -> event.equals("commit a")).toList().size();
      assertEquals(configured ? 1 : 2, commitsBeforeLastRecord, target.events.toString());
      assertEquals(2, target.about().at("/settings/properties/batch_size_rows/default").intValue());
    }
  }

  @Test
  void flushesByAgeWhileTheTapIsQuiet() throws Exception {
    ObjectNode config = config(1000);
    config.put("batch_max_age_seconds", 1);
    java.io.PipedOutputStream tap = new java.io.PipedOutputStream();
    java.io.PipedInputStream stdin = new java.io.PipedInputStream(tap, 1 << 16);
    RecordingTarget target = new RecordingTarget(java.util.Collections.synchronizedList(new ArrayList<>()));
    EchoRecorder stdout = new EchoRecorder();
    Thread runner = new Thread(() -> target.execute(stdin, stdout, new PrintStream(new ByteArrayOutputStream()),
        Map.of(), "--config", TargetHarness.writeConfig(folder, config).toString()));
    runner.start();
    tap.write((schema("a") + record("a", 1) + state("{\"n\":1}")).getBytes(StandardCharsets.UTF_8));
    tap.flush();
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!target.events.contains("commit a") && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(target.events.contains("commit a"), "the batch is committed once it is a second old: " + target.events);
    tap.close();
    runner.join(20_000);
    assertFalse(runner.isAlive());
  }

  // ---- schema changes and versions

  @Test
  void aChangedSchemaCommitsAndClosesTheOldSinkFirst() {
    String changed = "{\"type\":\"SCHEMA\",\"stream\":\"a\",\"schema\":{\"type\":\"object\",\"properties\":"
        + "{\"id\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"}}},\"key_properties\":[\"id\"]}\n";
    String input = schema("a") + record("a", 1) + schema("a") + record("a", 2) + changed + record("a", 3);
    run(input, config(100));
    assertEquals(List.of("write a {\"id\":1}", "write a {\"id\":2}", "commit a", "close a",
        "write a {\"id\":3}", "commit a", "close a"), events);
  }

  @Test
  void activateVersionFollowsACommit() {
    String input = schema("a") + record("a", 1)
        + "{\"type\":\"ACTIVATE_VERSION\",\"stream\":\"a\",\"version\":7}\n";
    run(input, config(100));
    assertEquals(List.of("write a {\"id\":1}", "commit a", "activate a 7", "close a"), events);
  }

  // ---- records as the sink sees them

  @Test
  void handsTheSinkEachRecordsTextExactlyAsReceived() {
    String input = schema("a") + "{\"type\": \"RECORD\", \"stream\": \"a\", \"record\": {\"id\": 1, \"amount\": 1.50e0}}\n";
    run(input, config(10));
    assertEquals("write a {\"id\": 1, \"amount\": 1.50e0}", events.get(0));
  }

  @Test
  void addsRecordMetadataToRecordsAndSchema() {
    ObjectNode config = config(100);
    config.put("add_record_metadata", true);
    RecordingTarget target = new RecordingTarget(events);
    String input = schema("a") + "{\"type\":\"RECORD\",\"stream\":\"a\",\"record\":{\"id\":1},"
        + "\"version\":5,\"time_extracted\":\"2024-01-31T12:00:00+00:00\"}\n";
    TargetHarness.Result result = TargetHarness.run(target, input.getBytes(StandardCharsets.UTF_8), Map.of(),
        "--config", TargetHarness.writeConfig(folder, config).toString());
    assertEquals(0, result.exitCode(), result.stderr());
    JsonNode record = Json.parse(events.get(0).substring("write a ".length()));
    assertEquals("2024-01-31T12:00:00Z", record.get("_sdc_extracted_at").asText());
    assertEquals(5, record.get("_sdc_table_version").asInt());
    assertTrue(record.get("_sdc_deleted_at").isNull());
    assertTrue(record.get("_sdc_sequence").isIntegralNumber());
    assertTrue(record.get("_sdc_received_at").isTextual());
    assertTrue(record.get("_sdc_batched_at").isTextual());
    ObjectNode properties = target.contexts.get(0).properties();
    for (String name : List.of("_sdc_extracted_at", "_sdc_received_at", "_sdc_batched_at", "_sdc_deleted_at",
        "_sdc_sequence", "_sdc_table_version")) {
      assertTrue(properties.has(name), name);
    }
  }

  @Test
  void flattensNestedObjectsToTheConfiguredDepth() {
    ObjectNode config = config(100);
    config.put("flattening_enabled", true);
    config.put("flattening_max_depth", 1);
    RecordingTarget target = new RecordingTarget(events);
    String input = "{\"type\":\"SCHEMA\",\"stream\":\"a\",\"schema\":{\"type\":\"object\",\"properties\":{"
        + "\"id\":{\"type\":\"integer\"},\"address\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},"
        + "\"geo\":{\"type\":\"object\",\"properties\":{\"lat\":{\"type\":\"number\"}}}}}}},\"key_properties\":[\"id\"]}\n"
        + "{\"type\":\"RECORD\",\"stream\":\"a\",\"record\":{\"id\":1,\"address\":{\"city\":\"Oslo\",\"geo\":{\"lat\":59.91}}}}\n";
    TargetHarness.Result result = TargetHarness.run(target, input.getBytes(StandardCharsets.UTF_8), Map.of(),
        "--config", TargetHarness.writeConfig(folder, config).toString());
    assertEquals(0, result.exitCode(), result.stderr());
    assertEquals("write a {\"id\":1,\"address__city\":\"Oslo\",\"address__geo\":{\"lat\":59.91}}", events.get(0));
    assertEquals(List.of("id", "address__city", "address__geo"),
        iterate(target.contexts.get(0).properties().fieldNames()));
  }

  private static List<String> iterate(java.util.Iterator<String> names) {
    List<String> list = new ArrayList<>();
    names.forEachRemaining(list::add);
    return list;
  }

  // ---- failures

  @Test
  void aRecordWithoutItsKeyPropertyFailsNamingTheLine() {
    TargetHarness.Result result = run(schema("a") + state("{\"n\":0}") + "{\"type\":\"RECORD\",\"stream\":\"a\",\"record\":{\"name\":\"x\"}}\n",
        config(10));
    assertEquals(1, result.exitCode());
    assertTrue(result.stderr().contains("ERROR Line 3: a RECORD of stream 'a' has no value for its key property 'id'"),
        result.stderr());
  }

  @Test
  void aSchemaWithoutPropertiesFails() {
    TargetHarness.Result result = run("{\"type\":\"SCHEMA\",\"stream\":\"a\",\"schema\":{\"type\":\"object\"},\"key_properties\":[]}\n",
        config(10));
    assertEquals(1, result.exitCode());
    assertTrue(result.stderr().contains("ERROR Line 1: the SCHEMA of stream 'a' has no \"properties\" object"), result.stderr());
  }

  @Test
  void aTopLevelTypeThatIsNoJsonSchemaTypeIsReadAsAnObjectSchema() {
    // as pipelinewise-target-snowflake's test streams declare it; the Python targets accept them
    String schema = "{\"type\":\"SCHEMA\",\"stream\":\"a\",\"schema\":{\"properties\":{\"id\":{\"type\":[\"integer\"]}},"
        + "\"type\":\"date-time\"},\"key_properties\":[\"id\"]}\n";
    TargetHarness.Result result = run(schema + "{\"type\":\"RECORD\",\"stream\":\"a\",\"record\":{\"id\":1}}\n"
        + schema + "{\"type\":\"RECORD\",\"stream\":\"a\",\"record\":{\"id\":\"x\"}}\n",
        config(10).put("validate_records", true));
    assertEquals(1, result.exitCode(), result.stderr());
    assertTrue(result.stderr().contains("has type \"date-time\", which is not a JSON Schema type"), result.stderr());
    assertEquals(1, result.stderr().split("not a JSON Schema type", -1).length - 1, result.stderr());
    assertTrue(result.stderr().contains("Line 4: a RECORD of stream 'a' does not match"), result.stderr());
  }

  @Test
  void aSchemaThatIsNotAnObjectFails() {
    TargetHarness.Result result = run("{\"type\":\"SCHEMA\",\"stream\":\"a\",\"schema\":{\"type\":\"array\",\"properties\":{}},\"key_properties\":[]}\n",
        config(10));
    assertEquals(1, result.exitCode());
    assertTrue(result.stderr().contains("ERROR Line 1: the SCHEMA of stream 'a' is not an object schema"), result.stderr());
  }

  @Test
  void aFailedCommitAbortsEverySinkEchoesNothingNewAndHidesTheSecret() {
    ObjectNode config = config(2);
    config.put("token", "s3cr3t-value");
    config.put("fail_commit_of", "b");
    String input = state("{\"n\":0}") + schema("a") + schema("b") + record("a", 1) + state("{\"n\":1}") + record("b", 1)
        + record("b", 2);
    TargetHarness.Result result = run(input, config);
    assertEquals(1, result.exitCode());
    assertEquals(List.of(Json.parse("{\"n\":0}")), result.states());
    assertTrue(result.stderr().contains("ERROR IllegalStateException: the destination refused the batch of b (token ********)"),
        result.stderr());
    assertFalse(result.stderr().contains("s3cr3t-value"));
    assertFalse(result.stderr().contains("\tat "), "no stack trace unless TAPLINE_LOG_LEVEL=debug");
    assertTrue(events.containsAll(List.of("abort a", "close a", "abort b", "close b")), events.toString());
  }

  @Test
  void batchMessagesAreRefused() {
    TargetHarness.Result result = run(
        "{\"type\":\"BATCH\",\"stream\":\"a\",\"encoding\":{\"format\":\"jsonl\"},\"manifest\":[]}\n", config(10));
    assertEquals(1, result.exitCode());
    assertTrue(result.stderr().contains("ERROR Line 1: BATCH messages are not supported"), result.stderr());
  }

  // ---- command line

  @Test
  void reportsEveryConfigProblemAtOnceWithExitCode2() {
    ObjectNode config = Json.object();
    config.put("batch_size_row", 10);
    config.put("validate_records", "perhaps");
    TargetHarness.Result result = run("", config);
    assertEquals(2, result.exitCode());
    assertTrue(result.stderr().contains("batch_size_row"), result.stderr());
    assertTrue(result.stderr().contains("validate_records"), result.stderr());
    assertTrue(result.stderr().startsWith("ERROR The config of target-recording has 2 problems"), result.stderr());
    assertTrue(result.stderr().contains("unknown setting 'batch_size_row' (did you mean 'batch_size_rows'?)"), result.stderr());
  }

  @Test
  void refusesBatchSizesBelowOne() {
    ObjectNode config = Json.object();
    config.put("batch_size_rows", 0);
    config.put("batch_size_bytes", -1);
    TargetHarness.Result result = run("", config);
    assertEquals(2, result.exitCode());
    assertTrue(result.stderr().contains("batch_size_rows must be at least 1, not 0"), result.stderr());
    assertTrue(result.stderr().contains("batch_size_bytes must be at least 1, not -1"), result.stderr());
  }

  @Test
  void readsSettingsFromTheEnvironment() {
    TargetHarness.Result result = TargetHarness.run(new RecordingTarget(events),
        (schema("a") + record("a", 1) + state("{\"n\":1}") + record("a", 2)).getBytes(StandardCharsets.UTF_8),
        Map.of("TARGET_RECORDING_BATCH_SIZE_ROWS", "1"), "--config", "ENV");
    assertEquals(0, result.exitCode(), result.stderr());
    assertEquals(List.of("write a {\"id\":1}", "commit a", "write a {\"id\":2}", "commit a", "close a"), events);
    assertEquals(List.of(Json.parse("{\"n\":1}")), result.states());
  }

  @Test
  void printsTheVersion() {
    TargetHarness.Result result = TargetHarness.run(new RecordingTarget(events), new byte[0], Map.of(), "--version");
    assertEquals(0, result.exitCode());
    assertEquals("target-recording dev\n", result.stdout());
  }

  @Test
  void describesItselfWithoutSecrets() {
    TargetHarness.Result json = TargetHarness.run(new RecordingTarget(events), new byte[0], Map.of(), "--about");
    assertEquals(0, json.exitCode());
    JsonNode about = Json.parse(json.stdout());
    assertEquals("target-recording", about.get("name").asText());
    JsonNode settings = about.get("settings").get("properties");
    assertEquals(100000, settings.get("batch_size_rows").get("default").asInt());
    assertTrue(settings.get("token").get("secret").asBoolean());

    TargetHarness.Result markdown = TargetHarness.run(new RecordingTarget(events), new byte[0], Map.of(),
        "--about", "--format", "markdown");
    assertEquals(0, markdown.exitCode());
    assertTrue(markdown.stdout().contains("| `batch_size_rows` | integer | no | `100000` |"), markdown.stdout());

    TargetHarness.Result wrong = TargetHarness.run(new RecordingTarget(events), new byte[0], Map.of(),
        "--about", "--format", "yaml");
    assertEquals(2, wrong.exitCode());
  }

  @Test
  void anUnknownOptionIsAUsageError() {
    TargetHarness.Result result = TargetHarness.run(new RecordingTarget(events), new byte[0], Map.of(), "--state", "x");
    assertEquals(2, result.exitCode());
    assertTrue(result.stderr().startsWith("ERROR Unknown option"), result.stderr());
  }

  @Test
  void aMissingInputFileIsAUsageError() {
    TargetHarness.Result result = TargetHarness.run(new RecordingTarget(events), new byte[0], Map.of(),
        "--input", folder.resolve("missing.jsonl").toString());
    assertEquals(2, result.exitCode());
    assertTrue(result.stderr().contains("missing.jsonl"), result.stderr());
  }

  @Test
  void readsTheInputFile() throws Exception {
    Path input = folder.resolve("input.jsonl");
    Files.writeString(input, schema("a") + record("a", 1));
    TargetHarness.Result result = TargetHarness.run(new RecordingTarget(events), new byte[0], Map.of(),
        "--input", input.toString());
    assertEquals(0, result.exitCode(), result.stderr());
    assertEquals(List.of("write a {\"id\":1}", "commit a", "close a"), events);
    assertTrue(result.stderr().contains("METRIC: {\"type\":\"counter\",\"metric\":\"record_count\",\"value\":1,\"tags\":{\"stream\":\"a\"}}"),
        result.stderr());
    assertTrue(result.stderr().contains("\"metric\":\"job_duration\""), result.stderr());
  }

  // ---- messages

  private static String schema(String stream) {
    return "{\"type\":\"SCHEMA\",\"stream\":\"" + stream + "\",\"schema\":{\"type\":\"object\",\"properties\":"
        + "{\"id\":{\"type\":\"integer\"}}},\"key_properties\":[\"id\"]}\n";
  }

  private static String record(String stream, int id) {
    return "{\"type\":\"RECORD\",\"stream\":\"" + stream + "\",\"record\":{\"id\":" + id + "}}\n";
  }

  private static String state(String value) {
    return "{\"type\":\"STATE\",\"value\":" + value + "}\n";
  }
}
