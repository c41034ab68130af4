package dev.tapline.tap.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.tap.contract.TapRun;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.replication.LogSequenceNumber;

/**
 * LOG_BASED runs as separate processes: one killed with SIGKILL and restarted from its last state
 * misses no change; one whose output stalls longer than the server's {@code wal_sender_timeout}
 * reconnects and misses nothing either.
 */
class LogBasedKillTest {

  private static final int TRANSACTIONS = 40;
  private static final int ROWS_PER_TRANSACTION = 100;

  private static TestServer server;

  @TempDir Path directory;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start("3s");
    server.createDatabase("events", false);
    server.execute("events", "CREATE TABLE events (id int PRIMARY KEY, payload text NOT NULL)",
        "INSERT INTO events SELECT i, 'initial ' || i FROM generate_series(1, 10) i");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private ObjectNode config(String database) {
    ObjectNode config = server.config(database);
    config.put("default_replication_method", "LOG_BASED");
    config.put("logical_poll_total_seconds", 10);
    config.put("state_interval_rows", 50);
    return config;
  }

  private Process start(Path configFile, Path stateFile, String name) throws IOException {
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), PostgresTap.class.getName(),
        "--config", configFile.toString(), "--state", stateFile.toString())
        .redirectError(directory.resolve(name + "-stderr.txt").toFile())
        .start();
  }

  @Test
  void aStalledConsumerOutlastingTheServerTimeoutLosesNoChange() throws Exception {
    server.createDatabase("stalled", false);
    server.execute("stalled", "CREATE TABLE events (id int PRIMARY KEY, payload text NOT NULL)",
        "INSERT INTO events VALUES (0, 'initial')");
    Path configFile = directory.resolve("stalled.json");
    Files.writeString(configFile, Json.write(config("stalled")));
    TapRun first = TapRun.run(new PostgresTap(), "--config", configFile.toString());
    assertEquals(0, first.exitCode(), first.describe());
    int rows = 60_000;
    for (int from = 1; from <= rows; from += 5_000) {
      server.execute("stalled", "INSERT INTO events SELECT i, repeat('stall ', 10) || i FROM generate_series("
          + from + ", " + (from + 4_999) + ") i");
    }
    Path stateFile = directory.resolve("stalled-state.json");
    Files.writeString(stateFile, Json.write(first.lastState()));
    Process tap = start(configFile, stateFile, "stalled");
    Set<Integer> seen = new TreeSet<>();
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(tap.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      // stop reading: the tap's buffers fill and its reading thread blocks past wal_sender_timeout
      Thread.sleep(8_000);
      for (; line != null; line = out.readLine()) {
        JsonNode message = Json.parse(line);
        if (message.path("type").asText().equals("RECORD")) {
          seen.add(message.path("record").path("id").asInt());
        }
      }
    }
    assertTrue(tap.waitFor(60, TimeUnit.SECONDS));
    String stderr = Files.readString(directory.resolve("stalled-stderr.txt"));
    assertEquals(0, tap.exitValue(), stderr);
    assertTrue(stderr.contains("The replication connection was lost"), stderr);
    for (int id = 1; id <= rows; id++) {
      assertTrue(seen.contains(id), "change of row " + id + " was lost");
    }
  }

  @Test
  void aKilledRunRestartedFromItsLastStateMissesNoChange() throws Exception {
    ObjectNode config = server.config("events");
    config.put("default_replication_method", "LOG_BASED");
    config.put("logical_poll_total_seconds", 10);
    config.put("state_interval_rows", 50);
    Path configFile = directory.resolve("config.json");
    Files.writeString(configFile, Json.write(config));
    TapRun first = TapRun.run(new PostgresTap(), "--config", configFile.toString());
    assertEquals(0, first.exitCode(), first.describe());
    assertEquals(10, first.records("public-events").size());

    for (int t = 0; t < TRANSACTIONS; t++) {
      int from = 11 + t * ROWS_PER_TRANSACTION;
      server.execute("events", "INSERT INTO events SELECT i, repeat('change ', 20) || i FROM generate_series("
          + from + ", " + (from + ROWS_PER_TRANSACTION - 1) + ") i");
    }
    int last = 10 + TRANSACTIONS * ROWS_PER_TRANSACTION;

    Path firstState = directory.resolve("state-1.json");
    Files.writeString(firstState, Json.write(first.lastState()));
    Process tap = start(configFile, firstState, "killed");
    Set<Integer> committed = new TreeSet<>();
    Set<Integer> sinceState = new TreeSet<>();
    JsonNode lastState = null;
    int states = 0;
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(tap.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (states < 4 && (line = out.readLine()) != null) {
        JsonNode message = Json.parse(line);
        if (message.path("type").asText().equals("RECORD")) {
          sinceState.add(message.path("record").path("id").asInt());
        } else if (message.path("type").asText().equals("STATE")) {
          // what a target would have committed when echoing this state
          committed.addAll(sinceState);
          sinceState.clear();
          lastState = message.get("value");
          states++;
        }
      }
      tap.destroyForcibly();
      assertTrue(tap.waitFor(30, TimeUnit.SECONDS));
    }
    assertEquals(137, tap.exitValue(), "the tap was not killed mid-stream: "
        + Files.readString(directory.resolve("killed-stderr.txt")));
    assertNotNull(lastState);
    assertTrue(committed.size() < last - 10, "the run was not interrupted before its end");

    Path resumeState = directory.resolve("state-2.json");
    Files.writeString(resumeState, Json.write(lastState));
    TapRun resumed = TapRun.run(new PostgresTap(), "--config", configFile.toString(),
        "--state", resumeState.toString());
    assertEquals(0, resumed.exitCode(), resumed.describe());
    resumed.records("public-events").forEach(record -> committed.add(record.get("id").asInt()));
    for (int id = 11; id <= last; id++) {
      assertTrue(committed.contains(id), "change of row " + id + " was lost");
    }
    long resumedFrom = lastState.path("bookmarks").path("public-events").path("lsn").longValue();
    long confirmed = LogSequenceNumber.valueOf(server.queryOne("events",
        "SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = 'tapline_events'")).asLong();
    assertTrue(confirmed >= resumedFrom, "confirmed_flush_lsn " + confirmed + " < " + resumedFrom);
  }
}
