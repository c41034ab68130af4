package dev.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapline.spec.Json;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.BitSet;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tapline run} with the real tap-csv and target-jsonl, each started as its own JVM from
 * this module's test classpath through a small launcher script (named like the installed
 * executables, so the stderr prefixes read as they do for users).
 */
class EndToEndTest {

  private static final Instant START = Instant.parse("2024-01-01T00:00:00Z");

  @TempDir Path folder;

  private final Cli cli = new Cli();

  private Path launcher(String name, String mainClass) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return Scripts.write(folder, name,
        "exec '" + java + "' -cp '" + classPath() + "' " + mainClass + " \"$@\"");
  }

  /**
   * This JVM's class path, with the project's own jars copied aside: a connector reads its
   * classes lazily, and a build of that connector running at the same time may replace its jar in
   * the local repository in the middle of a test.
   */
  private String classPath() throws IOException {
    Path lib = Files.createDirectories(folder.resolve("lib"));
    StringJoiner path = new StringJoiner(File.pathSeparator);
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path jar = Path.of(entry);
      boolean ours = entry.endsWith(".jar") && entry.contains(File.separator + "dev" + File.separator + "tapline" + File.separator);
      if (ours) {
        Path copy = lib.resolve(jar.getFileName());
        if (!Files.exists(copy)) {
          Files.copy(jar, copy);
        }
        path.add(copy.toString());
      } else {
        path.add(entry);
      }
    }
    return path.toString();
  }

  private Path tap() throws IOException {
    return launcher("tap-csv", "dev.tapline.tap.csv.CsvTap");
  }

  private Path target() throws IOException {
    return launcher("target-jsonl", "dev.tapline.target.jsonl.JsonlTarget");
  }

  private Path csv() {
    return folder.resolve("orders.csv");
  }

  private Path output() {
    return folder.resolve("out");
  }

  private Path stateFile() {
    return folder.resolve("state.json");
  }

  private static String updatedAt(int id) {
    return START.plusSeconds(60L * id).toString();
  }

  /** Appends rows {@code from..to} (ids), sorted by their {@code updated_at}. */
  private void appendRows(int from, int to) throws IOException {
    boolean create = !Files.exists(csv());
    try (BufferedWriter writer = Files.newBufferedWriter(csv(), StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      if (create) {
        writer.write("id,updated_at,customer,amount\n");
      }
      for (int id = from; id <= to; id++) {
        writer.write(id + "," + updatedAt(id) + ",customer " + (id % 97) + "," + (id % 1000) + "." + (id % 100) + "\n");
      }
    }
  }

  /**
   * @param sorted whether tap-csv is told the rows are in replication-key order, so that it sends
   *     a STATE every 2000 rows instead of one at the end
   */
  private String[] runArguments(boolean sorted) throws IOException {
    Path tapConfig = Files.writeString(folder.resolve("tap-csv.json"),
        "{\"files\": [{\"entity\": \"orders\", \"path\": \"" + csv() + "\", \"keys\": [\"id\"],"
            + " \"replication_key\": \"updated_at\", \"sorted\": " + sorted + "}], \"state_interval_rows\": 2000}");
    Path targetConfig = Files.writeString(folder.resolve("target-jsonl.json"),
        "{\"destination_path\": \"" + output() + "\", \"batch_size_rows\": 5000}");
    return new String[] {"run", tap().toString(), target().toString(),
        "--tap-config", tapConfig.toString(), "--target-config", targetConfig.toString(),
        "--state-file", stateFile().toString()};
  }

  private List<JsonNode> loadedRecords() throws IOException {
    try (Stream<String> lines = Files.lines(output().resolve("orders.jsonl"), StandardCharsets.UTF_8)) {
      return lines.filter(line -> !line.isBlank()).map(Json::parse).toList();
    }
  }

  @Test
  void aSecondRunOverAGrowingCsvLoadsOnlyRowsFromTheBookmarkOn() throws IOException {
    appendRows(1, 100);

    Cli.Result first = cli.execute(runArguments(false));

    assertEquals(0, first.exitCode(), first::toString);
    assertTrue(first.err().contains("[tap-csv] "), first::toString);
    assertTrue(first.err().contains("[target-jsonl] "), first::toString);
    assertEquals(100, loadedRecords().size(), first::toString);
    String firstState = Files.readString(stateFile());
    assertTrue(firstState.contains(updatedAt(100)), "the bookmark is the last updated_at: " + firstState);

    appendRows(101, 150);
    Cli.Result second = cli.execute(runArguments(false));

    assertEquals(0, second.exitCode(), second::toString);
    List<JsonNode> records = loadedRecords();
    List<JsonNode> added = records.subList(100, records.size());
    BitSet addedIds = new BitSet();
    for (JsonNode record : added) {
      int id = record.path("id").asInt();
      assertTrue(Instant.parse(record.path("updated_at").asText()).compareTo(Instant.parse(updatedAt(100))) >= 0,
          "the second run emits only rows at or after the bookmark: " + record);
      addedIds.set(id);
    }
    for (int id = 101; id <= 150; id++) {
      assertTrue(addedIds.get(id), "row " + id + " was loaded by the second run");
    }
    String secondState = Files.readString(stateFile());
    assertTrue(secondState.contains(updatedAt(150)), "the new bookmark: " + secondState);
  }

  @Test
  void checkPassesTheOutputOfTapCsv() throws IOException {
    appendRows(1, 500);
    Path config = Files.writeString(folder.resolve("tap-csv.json"),
        "{\"files\": [{\"entity\": \"orders\", \"path\": \"" + csv() + "\", \"keys\": [\"id\"],"
            + " \"replication_key\": \"updated_at\"}]}");

    Cli.Result result = cli.execute("check", tap().toString(), "--config", config.toString());

    assertEquals(0, result.exitCode(), result::toString);
    assertTrue(result.err().contains("orders: 1 schema, 500 records"), result::toString);
  }

  @Test
  void aTargetKilledMidRunLeavesAWholeStateAndTheRerunLosesNoRow() throws Exception {
    int rows = 200_000;
    appendRows(1, rows);
    AtomicReference<PipelineRun> started = new AtomicReference<>();
    cli.onRunStart(started::set);

    CompletableFuture<Cli.Result> running = CompletableFuture.supplyAsync(() -> {
      try {
        return cli.execute(runArguments(true));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    Process target = waitForFirstCommit(started, running);
    // SIGKILL from outside, as an OOM killer would; Process.destroyForcibly would also close our ends of its pipes
    target.toHandle().destroyForcibly();
    Cli.Result killed = running.get(120, TimeUnit.SECONDS);

    assertEquals(1, killed.exitCode(), killed::toString);
    assertTrue(killed.err().contains("ERROR The target target-jsonl failed: exit code 137 (killed by signal 9)"),
        killed::toString);
    JsonNode state = Json.read(stateFile());
    String bookmark = state.path("bookmarks").path("orders").path("replication_key_value").asText();
    assertTrue(bookmark.compareTo(updatedAt(rows)) < 0, "a state committed mid-run: " + state);

    cli.onRunStart(run -> {});
    Cli.Result rerun = cli.execute(runArguments(true));

    assertEquals(0, rerun.exitCode(), rerun::toString);
    BitSet ids = new BitSet(rows + 1);
    for (JsonNode record : loadedRecords()) {
      ids.set(record.path("id").asInt());
    }
    assertEquals(rows + 1, ids.nextClearBit(1), "every id of the CSV, 1.." + rows + ", is in the output");
    assertTrue(Files.readString(stateFile()).contains(updatedAt(rows)), "the final bookmark");
  }

  /** The target's process, once it has committed and echoed a state, while the run is still going. */
  private Process waitForFirstCommit(AtomicReference<PipelineRun> started, CompletableFuture<Cli.Result> running)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      assertTrue(!running.isDone(), () -> "the run ended before the target committed anything: " + running.join());
      PipelineRun run = started.get();
      if (run != null && run.processes().size() == 2
          && Files.exists(stateFile())) {
        return run.processes().get(1);
      }
      Thread.sleep(5);
    }
    throw new AssertionError("the target echoed no state within 60 s");
  }
}
