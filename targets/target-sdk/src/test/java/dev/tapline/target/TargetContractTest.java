package dev.tapline.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.Message;
import dev.tapline.spec.MessageReader;
import dev.tapline.spec.RecordMessage;
import dev.tapline.spec.SchemaMessage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every target owes its users, run against a real target and its real destination.
 * A target's test extends this class and says how to make the target, how to point it at a
 * destination folder, and how to read back what a stream loaded.
 *
 * <p>The fixtures are Singer message files from pipelinewise-target-postgres (see NOTICE.md) plus
 * messages this suite writes itself.
 */
public abstract class TargetContractTest {

  @TempDir protected Path folder;

  private Process child;

  /** A new instance of the target under test. Its class must have a {@code main}. */
  protected abstract Target<?> newTarget();

  /** The target's own settings to load into {@code destination} (a folder that may not exist). */
  protected abstract ObjectNode destinationConfig(Path destination);

  /**
   * The records a stream loaded into {@code destination}, in load order, as JSON objects; empty
   * when the stream loaded nothing.
   */
  protected abstract List<ObjectNode> loadedRecords(Path destination, String stream) throws IOException;

  /**
   * A record as the destination gives it back (a CSV file gives text, for example). The default is
   * the record itself.
   *
   * @param record a copy of the record as sent, to change freely
   * @param schema the stream's schema when the record was sent
   */
  protected ObjectNode expectedAsLoaded(ObjectNode record, ObjectNode schema) {
    return record;
  }

  /** A record sent by a tap, with the schema its stream had then. */
  protected record SentRecord(ObjectNode record, ObjectNode schema) {}

  @AfterEach
  void stopChild() throws InterruptedException {
    if (child != null && child.isAlive()) {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
    }
  }

  // ---- loading

  @Test
  void loadsEveryRecordOfMultipleStreams() throws IOException {
    assertLoadsEveryRecord("messages-with-multiple-streams.json");
  }

  @Test
  void loadsUnicodeAndLongTexts() throws IOException {
    assertLoadsEveryRecord("messages-with-unicode-characters.json");
    assertLoadsEveryRecord("messages-with-long-texts.json");
  }

  @Test
  void loadsStreamsNamedWithReservedWordsAndSpaces() throws IOException {
    assertLoadsEveryRecord("messages-with-reserved-name-as-table-name.json");
    assertLoadsEveryRecord("messages-with-space-in-table-name.json");
  }

  @Test
  void loadsEveryRecordAcrossASchemaChangeMidStream() throws IOException {
    String input = String.join("\n",
        "{\"type\":\"SCHEMA\",\"stream\":\"customers\",\"schema\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"}}},\"key_properties\":[\"id\"]}",
        "{\"type\":\"RECORD\",\"stream\":\"customers\",\"record\":{\"id\":1,\"name\":\"Ada\"}}",
        "{\"type\":\"RECORD\",\"stream\":\"customers\",\"record\":{\"id\":2,\"name\":\"Grace\"}}",
        "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"customers\":{\"id\":2}}}}",
        "{\"type\":\"SCHEMA\",\"stream\":\"customers\",\"schema\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"},\"email\":{\"type\":[\"null\",\"string\"]}}},\"key_properties\":[\"id\"]}",
        "{\"type\":\"RECORD\",\"stream\":\"customers\",\"record\":{\"id\":3,\"name\":\"Edsger\",\"email\":\"ed@example.com\"}}",
        "{\"type\":\"RECORD\",\"stream\":\"customers\",\"record\":{\"id\":4,\"name\":\"Barbara\",\"email\":null}}",
        "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"customers\":{\"id\":4}}}}",
        "");
    Path file = folder.resolve("schema-change.json");
    Files.writeString(file, input);
    Path destination = folder.resolve("schema-change");
    TargetHarness.Result result = run(config(destination, 1000), file);

    assertEquals(0, result.exitCode(), result.stderr());
    assertEquals(List.of(Json.parse("{\"bookmarks\":{\"customers\":{\"id\":2}}}"),
        Json.parse("{\"bookmarks\":{\"customers\":{\"id\":4}}}")), result.states());
    assertEquals(expected(recordsOf(input.getBytes(StandardCharsets.UTF_8)).get("customers")),
        loadedRecords(destination, "customers"));
  }

  // ---- failures

  @Test
  void invalidJsonFailsNamingTheLine() throws IOException {
    Path destination = folder.resolve("invalid-json");
    TargetHarness.Result result = run(config(destination, 1000), TargetHarness.copyFixture("invalid-json.json", folder));

    assertEquals(1, result.exitCode(), result.stderr());
    assertTrue(result.stderr().contains("ERROR Line 3 "), result.stderr());
    assertTrue(result.stderr().contains("THIS IS A TEST INPUT"), "shows the start of the line: " + result.stderr());
    assertTrue(result.states().stream().allMatch(state -> state.toString().contains("tap_mysql_test-test_table_one")));
  }

  @Test
  void aRecordBeforeItsSchemaFailsNamingTheLine() throws IOException {
    Path destination = folder.resolve("invalid-order");
    TargetHarness.Result result = run(config(destination, 1000), TargetHarness.copyFixture("invalid-message-order.json", folder));

    assertEquals(1, result.exitCode(), result.stderr());
    assertTrue(result.stderr().contains("ERROR Line 3: a RECORD of stream 'tap_mysql_test-test_table_two' came before"),
        result.stderr());
    assertEquals(List.of(), result.states());
  }

  @Test
  void anInvalidRecordFailsNamingStreamLineAndProperty() throws IOException {
    Path destination = folder.resolve("invalid-record");
    ObjectNode config = config(destination, 1000);
    config.put("validate_records", true);
    TargetHarness.Result result = run(config,
        TargetHarness.copyFixture("messages-with-invalid-records.json", folder));

    assertEquals(1, result.exitCode(), result.stderr());
    String error = result.stderr().lines().filter(line -> line.startsWith("ERROR")).findFirst().orElseThrow();
    assertTrue(error.contains("Line 4"), error);
    assertTrue(error.contains("tap_mysql_test-test_table_invalid_record"), error);
    assertTrue(error.contains("c_pk"), error);
    assertEquals(List.of(Json.parse("{\"currently_syncing\":\"tap_mysql_test-test_table_invalid_record\"}")),
        result.states(), "only the state that came before any record");
    assertEquals(List.of(), loadedRecords(destination, "tap_mysql_test-test_table_invalid_record"));
  }

  @Test
  void aTruncatedLastLineFailsNamingTheLine() throws IOException {
    byte[] whole = TargetHarness.fixture("messages-with-multiple-streams.json");
    String text = new String(whole, StandardCharsets.UTF_8).stripTrailing();
    Path file = folder.resolve("truncated.json");
    Files.writeString(file, text.substring(0, text.length() - 20));
    long lines = text.lines().count();

    TargetHarness.Result result = run(config(folder.resolve("truncated"), 1000), file);

    assertEquals(1, result.exitCode(), result.stderr());
    assertTrue(result.stderr().contains("ERROR Line " + lines + " is not valid JSON"), result.stderr());
  }

  // ---- state

  @Test
  void echoesStatesOnlyAfterTheirRecordsAreCommittedAtBatchSize10() throws IOException {
    assertStateSequence(10, List.of(15, 42, 59, 71, 75, 87, 98));
  }

  @Test
  void echoesOnlyTheLatestStateAtBatchSize1000() throws IOException {
    assertStateSequence(1000, List.of(98));
  }

  @Test
  void echoesTheStateWhenNoRecordArrives() throws IOException {
    String name = "messages-pg-logical-streams-no-records.json";
    TargetHarness.Result result = run(config(folder.resolve("no-records"), 1000), TargetHarness.copyFixture(name, folder));

    assertEquals(0, result.exitCode(), result.stderr());
    List<String> lines = TargetHarness.fixtureLines(name);
    assertEquals(Json.parse(lines.get(7)).get("value"), result.lastState());
    for (String stream : List.of("logical1-logical1_edgydata", "logical1-logical1_table1")) {
      assertEquals(List.of(), loadedRecords(folder.resolve("no-records"), stream));
    }
  }

  private void assertStateSequence(int batchSize, List<Integer> expectedLines) throws IOException {
    String name = "messages-pg-logical-streams.json";
    Path destination = folder.resolve("logical-" + batchSize);
    TargetHarness.Result result = run(config(destination, batchSize), TargetHarness.copyFixture(name, folder));

    assertEquals(0, result.exitCode(), result.stderr());
    List<String> lines = TargetHarness.fixtureLines(name);
    List<JsonNode> expected = new ArrayList<>();
    for (int line : expectedLines) {
      expected.add(Json.parse(lines.get(line - 1)).get("value"));
    }
    assertEquals(expected, result.states());
    Map<String, List<SentRecord>> records = recordsOf(TargetHarness.fixture(name));
    for (Map.Entry<String, List<SentRecord>> stream : records.entrySet()) {
      assertEquals(expected(stream.getValue()), loadedRecords(destination, stream.getKey()), stream.getKey());
    }
  }

  // ---- processes

  @Test
  void sigtermCommitsWhatWasReceivedEchoesTheStateAndExitsZero() throws Exception {
    Path destination = folder.resolve("sigterm");
    child = startChild(config(destination, 1000));
    BlockingQueue<String> echoed = readLines(child);
    OutputStream stdin = child.getOutputStream();
    write(stdin, schemaLine() + state(0));
    assertEquals(stateMessage(0), echoed.poll(60, TimeUnit.SECONDS), "the child echoes a state sent before any record");
    StringBuilder messages = new StringBuilder();
    for (int id = 1; id <= 350; id++) {
      messages.append(record(id));
      if (id % 100 == 0) {
        messages.append(state(id));
      }
    }
    write(stdin, messages.toString());
    Thread.sleep(1500);
    // Process.destroy() would also close the pipes; the handle sends SIGTERM alone, as a supervisor does.
    child.toHandle().destroy();

    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child ends after SIGTERM");
    assertEquals(0, child.exitValue());
    assertEquals(stateMessage(300), lastOf(echoed),
        "the latest state is echoed once its records are committed; the target's stderr: " + childStderr());
    assertEquals(ids(1, 350), idsOf(loadedRecords(destination, "kill_test")));
  }

  @Test
  void sigkillLeavesCommittedDataAndNoStateAheadOfIt() throws Exception {
    Path destination = folder.resolve("sigkill");
    ObjectNode config = config(destination, 250);
    child = startChild(config);
    BlockingQueue<String> echoed = readLines(child);
    StringBuilder messages = new StringBuilder(schemaLine());
    for (int id = 1; id <= 350; id++) {
      messages.append(record(id));
      if (id % 100 == 0) {
        messages.append(state(id));
      }
    }
    write(child.getOutputStream(), messages.toString());
    assertEquals(stateMessage(200), echoed.poll(60, TimeUnit.SECONDS), "the first batch of 250 is committed");
    child.toHandle().destroyForcibly();
    assertTrue(child.waitFor(60, TimeUnit.SECONDS));

    List<Long> loaded = idsOf(loadedRecordsAfterKill(destination, "kill_test"));
    assertTrue(loaded.containsAll(ids(1, 200)), "records covered by the echoed state stay: " + loaded);

    StringBuilder resume = new StringBuilder(schemaLine());
    for (int id = 201; id <= 400; id++) {
      resume.append(record(id));
    }
    resume.append(state(400));
    TargetHarness.Result result = TargetHarness.run(newTarget(), resume.toString().getBytes(StandardCharsets.UTF_8),
        Map.of(), "--config", TargetHarness.writeConfig(folder, config).toString());
    assertEquals(0, result.exitCode(), result.stderr());
    assertEquals(Json.parse(stateValue(400)), result.lastState());
    List<Long> all = idsOf(loadedRecords(destination, "kill_test"));
    assertTrue(all.containsAll(ids(1, 400)), "every record is loaded after resuming: " + all);
  }

  /**
   * What a stream loaded after the process was killed; the default reads the destination as
   * usual. A target whose destination can hold a partial last write overrides this to skip it.
   */
  protected List<ObjectNode> loadedRecordsAfterKill(Path destination, String stream) throws IOException {
    return loadedRecords(destination, stream);
  }

  // ---- helpers

  private TargetHarness.Result run(ObjectNode config, Path input) {
    return TargetHarness.run(newTarget(), TargetHarness.writeConfig(folder, config), input);
  }

  /**
   * The destination config plus the SDK settings this suite needs. Record validation is off: the
   * pipelinewise fixtures are real tap output whose records break their own schemas (JSON columns
   * declared as objects but sent as text, {@code maxLength} counted in bytes), just as the
   * pipelinewise targets, which do not validate by default, received them. Validation has its own
   * test.
   */
  protected ObjectNode config(Path destination, int batchSizeRows) {
    ObjectNode config = destinationConfig(destination);
    config.put("batch_size_rows", batchSizeRows);
    config.put("validate_records", false);
    return config;
  }

  private void assertLoadsEveryRecord(String fixture) throws IOException {
    Path destination = folder.resolve(fixture.replace(".json", ""));
    TargetHarness.Result result = run(config(destination, 1000), TargetHarness.copyFixture(fixture, folder));

    assertEquals(0, result.exitCode(), result.stderr());
    List<String> lines = TargetHarness.fixtureLines(fixture);
    JsonNode lastState = null;
    for (String line : lines) {
      if (line.contains("\"STATE\"")) {
        lastState = Json.parse(line).get("value");
      }
    }
    assertEquals(lastState, result.lastState(), "the latest state is echoed at the end");
    Map<String, List<SentRecord>> records = recordsOf(TargetHarness.fixture(fixture));
    assertTrue(!records.isEmpty());
    for (Map.Entry<String, List<SentRecord>> stream : records.entrySet()) {
      assertEquals(expected(stream.getValue()), loadedRecords(destination, stream.getKey()), stream.getKey());
    }
  }

  private List<ObjectNode> expected(List<SentRecord> records) {
    List<ObjectNode> expected = new ArrayList<>();
    for (SentRecord sent : records) {
      expected.add(expectedAsLoaded(sent.record().deepCopy(), sent.schema()));
    }
    return expected;
  }

  /** The records of each stream in a message file, in order. */
  protected static Map<String, List<SentRecord>> recordsOf(byte[] messages) {
    Map<String, List<SentRecord>> records = new LinkedHashMap<>();
    Map<String, ObjectNode> schemas = new LinkedHashMap<>();
    MessageReader reader = new MessageReader(new ByteArrayInputStream(messages), warning -> {});
    Message message;
    while ((message = reader.next()) != null) {
      if (message instanceof SchemaMessage schema) {
        schemas.put(schema.stream(), schema.schema());
      } else if (message instanceof RecordMessage record) {
        records.computeIfAbsent(record.stream(), s -> new ArrayList<>())
            .add(new SentRecord(record.record(), schemas.get(record.stream())));
      }
    }
    return records;
  }

  private Process startChild(ObjectNode config) throws IOException {
    Path configFile = TargetHarness.writeConfig(folder, config);
    ProcessBuilder builder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m",
        "-cp", System.getProperty("java.class.path"),
        newTarget().getClass().getName(),
        "--config", configFile.toString());
    builder.redirectError(folder.resolve("child-stderr.txt").toFile());
    return builder.start();
  }

  private String childStderr() throws IOException {
    return Files.readString(folder.resolve("child-stderr.txt"));
  }

  private static BlockingQueue<String> readLines(Process process) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, "child-stdout");
    reader.setDaemon(true);
    reader.start();
    return lines;
  }

  private static String lastOf(BlockingQueue<String> lines) throws InterruptedException {
    String last = null;
    String line;
    while ((line = lines.poll(2, TimeUnit.SECONDS)) != null) {
      last = line;
    }
    return last;
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static String schemaLine() {
    return "{\"type\":\"SCHEMA\",\"stream\":\"kill_test\",\"schema\":{\"type\":\"object\",\"properties\":"
        + "{\"id\":{\"type\":\"integer\"},\"note\":{\"type\":\"string\"}}},\"key_properties\":[\"id\"]}\n";
  }

  private static String record(int id) {
    return "{\"type\":\"RECORD\",\"stream\":\"kill_test\",\"record\":{\"id\":" + id
        + ",\"note\":\"record number " + id + "\"}}\n";
  }

  private static String stateValue(int id) {
    return "{\"bookmarks\":{\"kill_test\":{\"id\":" + id + "}}}";
  }

  private static String state(int id) {
    return "{\"type\":\"STATE\",\"value\":" + stateValue(id) + "}\n";
  }

  private static String stateMessage(int id) {
    return state(id).strip();
  }

  private static List<Long> ids(int first, int last) {
    List<Long> ids = new ArrayList<>();
    for (long id = first; id <= last; id++) {
      ids.add(id);
    }
    return ids;
  }

  private static List<Long> idsOf(List<ObjectNode> records) {
    List<Long> ids = new ArrayList<>();
    for (ObjectNode record : records) {
      ids.add(Long.parseLong(record.get("id").asText()));
    }
    return ids;
  }
}
