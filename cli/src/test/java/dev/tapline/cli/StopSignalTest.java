package dev.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapline.spec.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a {@code tapline run} process: the tap is stopped, the target drains and its last
 * state is kept, the run exits non-zero. Runs {@code tapline} as its own JVM, since a signal to
 * the test JVM would end the tests.
 */
class StopSignalTest {

  @TempDir Path folder;

  @Test
  void sigtermStopsTheTapLetsTheTargetDrainAndKeepsItsLastState() throws Exception {
    Path stateFile = folder.resolve("state.json");
    Path tapPid = folder.resolve("tap.pid");
    Path tap = Scripts.write(folder, "tap-endless",
        "echo $$ > '" + tapPid + "'\n"
            + Scripts.print(Scripts.SCHEMA)
            + "i=1\n"
            + "while true; do\n"
            + "  echo \"{\\\"type\\\": \\\"RECORD\\\", \\\"stream\\\": \\\"orders\\\", \\\"record\\\": {\\\"id\\\": $i}}\"\n"
            + "  echo \"{\\\"type\\\": \\\"STATE\\\", \\\"value\\\": {\\\"bookmarks\\\": {\\\"orders\\\": {\\\"id\\\": $i}}}}\"\n"
            + "  i=$((i+1))\n"
            + "  sleep 0.1\n"
            + "done\n");
    // echoes each state as it commits it, and one final state once its input has ended
    Path target = Scripts.write(folder, "target-draining",
        "while IFS= read -r line; do\n"
            + "  case \"$line\" in *'\"STATE\"'*) echo \"$line\" ;; esac\n"
            + "done\n"
            + "echo 'committing the last batch' >&2\n"
            + "echo '{\"type\": \"STATE\", \"value\": {\"bookmarks\": {\"orders\": {\"id\": \"drained\"}}}}'\n");
    Path err = folder.resolve("err.txt");
    Process tapline = new ProcessBuilder(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"),
            Tapline.class.getName(),
            "run", tap.toString(), target.toString(), "--state-file", stateFile.toString()))
        .redirectOutput(folder.resolve("out.txt").toFile())
        .redirectError(err.toFile())
        .start();
    try {
      waitForState(stateFile, tapline);

      tapline.destroy();

      assertTrue(tapline.waitFor(60, TimeUnit.SECONDS), "tapline ended after SIGTERM");
      int code = tapline.exitValue();
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      assertTrue(code != 0, "a stopped run exits non-zero: " + code + "\n" + stderr);
      assertTrue(stderr.contains("[target-draining] committing the last batch"), stderr);
      assertTrue(stderr.contains("ERROR The run was stopped by a signal"), stderr);
      JsonNode state = Json.read(stateFile);
      assertEquals("drained", state.path("bookmarks").path("orders").path("id").asText(), stderr);
      long pid = Long.parseLong(Files.readString(tapPid).strip());
      Optional<ProcessHandle> tapProcess = ProcessHandle.of(pid);
      assertFalse(tapProcess.isPresent() && tapProcess.get().isAlive(), "the tap was stopped");
      assertEquals(0, Files.size(folder.resolve("out.txt")), "stdout stays empty");
    } finally {
      tapline.destroyForcibly();
    }
  }

  @Test
  void sigtermToAProjectRunKeepsTheDrainedStateAndRecordsTheRunAsStopped() throws Exception {
    Scripts.write(folder, "tap-endless", Scripts.print(Scripts.SCHEMA)
        + "i=1\n"
        + "while true; do\n"
        + "  echo \"{\\\"type\\\": \\\"STATE\\\", \\\"value\\\": {\\\"bookmarks\\\": {\\\"orders\\\": {\\\"id\\\": $i}}}}\"\n"
        + "  i=$((i+1))\n"
        + "  sleep 0.1\n"
        + "done\n");
    Scripts.write(folder, "target-draining",
        "while IFS= read -r line; do\n"
            + "  case \"$line\" in *'\"STATE\"'*) echo \"$line\" ;; esac\n"
            + "done\n"
            + "echo '{\"type\": \"STATE\", \"value\": {\"bookmarks\": {\"orders\": {\"id\": \"drained\"}}}}'\n");
    Path project = Files.writeString(folder.resolve("tapline.yml"), """
        taps: {endless: {executable: ./tap-endless}}
        targets: {draining: {executable: ./target-draining}}
        pipelines: {orders: {tap: endless, target: draining}}
        """, StandardCharsets.UTF_8);
    Path stateFile = folder.resolve(".tapline/state/orders/state.json");
    Process tapline = Launchers.startTapline(folder, folder, folder.resolve("err.txt"), "run", "orders");
    try {
      waitForState(stateFile, tapline);

      tapline.destroy();

      assertTrue(tapline.waitFor(60, TimeUnit.SECONDS), "tapline ended after SIGTERM");
      String stderr = Files.readString(folder.resolve("err.txt"), StandardCharsets.UTF_8);
      assertTrue(tapline.exitValue() != 0, stderr);
      assertEquals("drained", Json.read(stateFile).path("bookmarks").path("orders").path("id").asText(), stderr);
      Cli.Result runs = new Cli().execute("runs", "orders", "--json", "--project", project.toString());
      JsonNode run = Json.parse(runs.out()).get(0);
      assertEquals("stopped", run.path("status").asText(), run + "\n" + stderr);
      assertEquals("drained", run.path("state_after").path("bookmarks").path("orders").path("id").asText(), run::toString);
    } finally {
      tapline.destroyForcibly();
    }
  }

  private static void waitForState(Path stateFile, Process tapline) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (Files.exists(stateFile) && Json.read(stateFile).path("bookmarks").path("orders").path("id").asInt() >= 3) {
        return;
      }
      assertTrue(tapline.isAlive(), "tapline is still running");
      Thread.sleep(50);
    }
    throw new AssertionError("no state within 30 s");
  }
}
