package dev.tapline.target.snowflake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The load path of a batch driven through the whole target, with a hand-written fake session in
 * place of Snowflake: the order of the steps, the state only after the last of them, retries of
 * transient failures and none of authentication failures.
 */
class SnowflakeLoadFlowTest {

  @TempDir Path folder;

  private final List<String> events = Collections.synchronizedList(new ArrayList<>());
  private final List<Long> waits = new ArrayList<>();

  private static final String SCHEMA = "{\"type\":\"SCHEMA\",\"stream\":\"orders\",\"schema\":{\"type\":\"object\","
      + "\"properties\":{\"id\":{\"type\":\"integer\"},\"amount\":{\"type\":\"number\",\"multipleOf\":0.01}}},"
      + "\"key_properties\":[\"id\"]}\n";

  private static String record(int id) {
    return "{\"type\":\"RECORD\",\"stream\":\"orders\",\"record\":{\"id\":" + id + ",\"amount\":" + id + ".25}}\n";
  }

  private static String state(int id) {
    return "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"orders\":{\"id\":" + id + "}}}}\n";
  }

  record Run(int exitCode, String stdout, String stderr) {}

  private Run run(FakeSession session, String messages, String... settings) throws Exception {
    ObjectNode config = Json.object();
    config.put("account", "example-account");
    config.put("user", "loader");
    config.put("password", "not-a-real-password");
    config.put("database", "analytics");
    config.put("default_target_schema", "tapline");
    config.put("local_staging_path", folder.resolve("local").toString());
    config.put("retry_wait", 1);
    for (int i = 0; i + 1 < settings.length; i += 2) {
      config.set(settings[i], Json.parse(settings[i + 1]));
    }
    Path configFile = folder.resolve("config.json");
    Files.writeString(configFile, Json.write(config));
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    OutputStream recording = new OutputStream() {
      @Override
      public void write(int b) {
        stdout.write(b);
        if (b == '\n') {
          String[] lines = stdout.toString(StandardCharsets.UTF_8).split("\n");
          if (lines[lines.length - 1].contains("\"STATE\"")) {
            events.add("state");
          }
        }
      }
    };
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    SnowflakeTarget target = new SnowflakeTarget(settingsBound -> session, waits::add);
    int code = target.execute(new ByteArrayInputStream(messages.getBytes(StandardCharsets.UTF_8)), recording,
        new PrintStream(stderr, true, StandardCharsets.UTF_8), Map.of(), "--config", configFile.toString());
    return new Run(code, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
  }

  /** The events from the first upload on, without the table preparation. */
  private List<String> loadEvents() {
    int first = events.indexOf("put");
    return first < 0 ? List.copyOf(events) : List.copyOf(events.subList(first, events.size()));
  }

  @Test
  void aBatchRunsPutCopyMergeCleanupThenTheState() throws Exception {
    FakeSession session = new FakeSession(events);
    Run run = run(session, SCHEMA + record(1) + record(2) + state(2));

    assertEquals(0, run.exitCode(), run.stderr());
    assertEquals(List.of("create-schema", "create-table"), events.subList(0, 2));
    assertEquals(List.of("put", "stage-table", "copy", "merge", "drop-stage", "remove", "state"), loadEvents());
    assertEquals(List.of(List.of("part-0001.csv.gz")), session.uploadedFiles);
    String copy = session.statements.stream().filter(s -> s.startsWith("COPY")).findFirst().orElseThrow();
    assertTrue(copy.contains("FILES = ('part-0001.csv.gz')"), copy);
    assertTrue(session.closed);
  }

  @Test
  void eachBatchEchoesItsStateOnlyAfterItsCleanup() throws Exception {
    FakeSession session = new FakeSession(events);
    Run run = run(session, SCHEMA + record(1) + record(2) + state(2) + record(3) + record(4) + state(4),
        "batch_size_rows", "2");

    assertEquals(0, run.exitCode(), run.stderr());
    assertEquals(List.of("put", "stage-table", "copy", "merge", "drop-stage", "remove", "state",
        "put", "stage-table", "copy", "merge", "drop-stage", "remove", "state"), loadEvents());
  }

  @ParameterizedTest
  @ValueSource(strings = {"put", "stage-table", "copy", "merge", "drop-stage", "remove"})
  void noStateIsEchoedWhenAStepFails(String step) throws Exception {
    FakeSession session = new FakeSession(events).failing(step, new SQLException("SQL compilation error: refused"));
    Run run = run(session, SCHEMA + record(1) + state(1) + record(2) + state(2));

    assertEquals(1, run.exitCode(), run.stderr());
    assertFalse(events.contains("state"), events.toString());
    assertEquals("", run.stdout());
    if (!step.equals("drop-stage") && !step.equals("remove")) {
      List<String> after = events.subList(events.indexOf(step + "-failed") + 1, events.size());
      assertEquals(List.of("drop-stage", "remove"), after, "a failed batch leaves no staging table or staged files");
    }
    assertTrue(run.stderr().contains("ERROR Stream 'orders'"), run.stderr());
    assertTrue(run.stderr().contains("refused"), run.stderr());
    assertFalse(run.stderr().contains("not-a-real-password"));
  }

  @Test
  void aStateBeforeAnyRecordIsEchoedButNotOneAfterAFailedBatch() throws Exception {
    FakeSession session = new FakeSession(events).failing("merge", new SQLException("Numeric value 'x' is not recognized"));
    Run run = run(session, state(0) + SCHEMA + record(1) + state(1));

    assertEquals(1, run.exitCode());
    assertEquals(Json.parse("{\"bookmarks\":{\"orders\":{\"id\":0}}}"),
        Json.parse(run.stdout().strip()).get("value"));
  }

  @Test
  void transientFailuresOfPutAndCopyAreRetried() throws Exception {
    FakeSession session = new FakeSession(events)
        .failing("put", new SQLException("JDBC driver encountered communication error. HTTP 503", "08001"))
        .failing("copy", new SQLNonTransientConnectionException("Connection reset", "08006"),
            new SQLException("Service Unavailable"));
    Run run = run(session, SCHEMA + record(1) + state(1));

    assertEquals(0, run.exitCode(), run.stderr());
    assertEquals(List.of("put-failed", "put", "stage-table", "copy-failed", "copy-failed", "copy", "merge",
        "drop-stage", "remove", "state"), events.subList(events.indexOf("put-failed"), events.size()));
    assertEquals(List.of(1000L, 1000L, 2000L), waits, "waits double from retry_wait");
    assertTrue(run.stderr().contains("trying again"), run.stderr());
  }

  @Test
  void authenticationFailuresAreNeverRetried() throws Exception {
    FakeSession session = new FakeSession(events)
        .failing("put", new SQLException("Incorrect username or password was specified.", "28000", 390100));
    Run run = run(session, SCHEMA + record(1) + state(1));

    assertEquals(1, run.exitCode());
    assertEquals(1, Collections.frequency(events, "put-failed"));
    assertFalse(events.contains("put"));
    assertEquals(List.of(), waits);
    assertTrue(run.stderr().contains("not retried"), run.stderr());
    assertEquals("", run.stdout());
  }

  @Test
  void retriesStopAfterRetryCount() throws Exception {
    SQLException busy = new SQLException("HTTP 502 Bad Gateway", "08001");
    FakeSession session = new FakeSession(events).failing("copy", busy, busy, busy);
    Run run = run(session, SCHEMA + record(1) + state(1), "retry_count", "2");

    assertEquals(1, run.exitCode());
    assertEquals(3, Collections.frequency(events, "copy-failed"));
    assertEquals(List.of(1000L, 2000L), waits);
    assertFalse(events.contains("state"));
    assertTrue(run.stderr().contains("the copy step"), run.stderr());
  }

  @Test
  void appendOnlyInsertsAndOverwriteSwapsTheFirstBatch() throws Exception {
    FakeSession append = new FakeSession(events);
    assertEquals(0, run(append, SCHEMA + record(1) + state(1), "load_method", "\"append-only\"").exitCode());
    assertEquals(List.of("put", "stage-table", "copy", "insert", "drop-stage", "remove", "state"), loadEvents());

    events.clear();
    FakeSession overwrite = new FakeSession(events);
    Run run = run(overwrite, SCHEMA + record(1) + state(1) + record(2) + state(2), "load_method", "\"overwrite\"",
        "batch_size_rows", "1");
    assertEquals(0, run.exitCode(), run.stderr());
    List<String> sql = overwrite.statements;
    int swap = indexOf(sql, "SWAP WITH");
    assertTrue(swap > indexOf(sql, "COPY INTO"), sql.toString());
    assertEquals(1, sql.stream().filter(s -> s.contains("SWAP WITH")).count(), "only the first batch replaces the table");
    assertTrue(sql.get(swap).startsWith("ALTER TABLE \"TAPLINE\".\"ORDERS\" SWAP WITH \"TAPLINE\".\"_TAPLINE_STAGE_"),
        sql.get(swap));
    assertEquals(2, Collections.frequency(events, "state"));
  }

  @Test
  void hardDeletesRunWithTheMergeInOneTransaction() throws Exception {
    String schema = "{\"type\":\"SCHEMA\",\"stream\":\"orders\",\"schema\":{\"type\":\"object\",\"properties\":"
        + "{\"id\":{\"type\":\"integer\"},\"_sdc_deleted_at\":{\"type\":[\"null\",\"string\"],\"format\":\"date-time\"}}},"
        + "\"key_properties\":[\"id\"]}\n";
    FakeSession session = new FakeSession(events);
    Run run = run(session, schema + "{\"type\":\"RECORD\",\"stream\":\"orders\",\"record\":{\"id\":1,"
        + "\"_sdc_deleted_at\":\"2024-01-01T00:00:00Z\"}}\n" + state(1), "hard_delete", "true");

    assertEquals(0, run.exitCode(), run.stderr());
    assertEquals(List.of("put", "stage-table", "copy", "begin", "merge", "delete", "commit", "drop-stage", "remove",
        "state"), loadEvents());
    assertTrue(session.statements.contains("DELETE FROM \"TAPLINE\".\"ORDERS\" WHERE \"_SDC_DELETED_AT\" IS NOT NULL"));
  }

  @Test
  void largeBatchesAreSplitIntoChunksAndCopiedByName() throws Exception {
    StringBuilder messages = new StringBuilder(SCHEMA);
    for (int id = 1; id <= 150_000; id++) {
      messages.append(record(id));
    }
    messages.append(state(150_000));
    FakeSession session = new FakeSession(events);
    Run run = run(session, messages.toString(), "file_chunk_mb", "1");

    assertEquals(0, run.exitCode(), run.stderr());
    List<String> files = session.uploadedFiles.get(0);
    assertTrue(files.size() >= 2, "a batch of about 2.5 MB of CSV in chunks of 1 MB: " + files);
    String copy = session.statements.stream().filter(s -> s.startsWith("COPY")).findFirst().orElseThrow();
    for (String file : files) {
      assertTrue(copy.contains("'" + file + "'"), copy);
    }
  }

  private static int indexOf(List<String> statements, String part) {
    for (int i = 0; i < statements.size(); i++) {
      if (statements.get(i).contains(part)) {
        return i;
      }
    }
    return -1;
  }
}
