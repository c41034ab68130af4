package dev.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapline.spec.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tapline run} with small shell scripts as the tap and the target. */
class RunCommandTest {

  @TempDir Path folder;

  private final Cli cli = new Cli();

  private Path stateFile() {
    return folder.resolve("state.json");
  }

  private Path received() {
    return folder.resolve("received.jsonl");
  }

  private Path echoingTarget() {
    return Scripts.write(folder, "target-echo", Scripts.echoingTarget(received()));
  }

  private Cli.Result run(Path tap, Path target, String... more) {
    List<String> args = new ArrayList<>(List.of(
        "run", tap.toString(), target.toString(), "--state-file", stateFile().toString()));
    args.addAll(List.of(more));
    return cli.execute(args.toArray(String[]::new));
  }

  private JsonNode savedState() {
    return Json.read(stateFile());
  }

  private static JsonNode bookmark(int position) {
    return Json.parse("{\"bookmarks\": {\"orders\": {\"id\": " + position + "}}}");
  }

  @Test
  void pipesTheTapIntoTheTargetAndSavesTheLastStateItEchoes() throws IOException {
    Path tap = Scripts.write(folder, "tap-orders", Scripts.print(
        Scripts.SCHEMA, Scripts.record(1), Scripts.state(1), Scripts.record(2), Scripts.record(3), Scripts.state(3)));

    Cli.Result result = run(tap, echoingTarget());

    assertEquals(0, result.exitCode(), result::toString);
    assertEquals(bookmark(3), savedState());
    List<String> loaded = Files.readAllLines(received(), StandardCharsets.UTF_8);
    assertEquals(List.of(Scripts.SCHEMA, Scripts.record(1), Scripts.record(2), Scripts.record(3)), loaded);
    try (Stream<Path> files = Files.list(folder)) {
      assertEquals(List.of(), files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList(),
          "no temporary state file is left behind");
    }
    assertTrue(result.err().contains("Run finished in"), result::toString);
    assertTrue(result.err().contains("tap-orders exit 0, target-echo exit 0"), result::toString);
    assertEquals("", result.out(), "stdout stays empty");
  }

  @Test
  void passesTheStateToTheTapOnlyWhenTheStateFileHasContent() throws IOException {
    Path arguments = folder.resolve("arguments.txt");
    Path config = Files.writeString(folder.resolve("tap.json"), "{}");
    Path tap = Scripts.write(folder, "tap-args",
        "echo \"$@\" >> '" + arguments + "'\n" + Scripts.print(Scripts.SCHEMA, Scripts.state(7)));
    Path target = echoingTarget();

    assertEquals(0, run(tap, target, "--tap-config", config.toString()).exitCode());
    Files.writeString(stateFile(), "  \n");
    assertEquals(0, run(tap, target, "--tap-config", config.toString()).exitCode(), "a blank file is no state");
    assertEquals(0, run(tap, target, "--tap-config", config.toString(), "--tap-arg", "--verbose").exitCode());

    List<String> calls = Files.readAllLines(arguments, StandardCharsets.UTF_8);
    assertEquals(List.of(
            "--config " + config,
            "--config " + config,
            "--state " + stateFile() + " --config " + config + " --verbose"),
        calls);
  }

  @Test
  void passesConfigsAndExtraArgumentsToTheTarget() throws IOException {
    Path arguments = folder.resolve("target-arguments.txt");
    Path first = Files.writeString(folder.resolve("one.json"), "{}");
    Path second = Files.writeString(folder.resolve("two.json"), "{}");
    Path tap = Scripts.write(folder, "tap-orders", Scripts.print(Scripts.SCHEMA));
    Path target = Scripts.write(folder, "target-args", "echo \"$@\" > '" + arguments + "'\ncat > /dev/null\n");

    Cli.Result result = run(tap, target,
        "--target-config", first.toString(), "--target-config", "ENV", "--target-config", second.toString(),
        "--target-arg", "--dry-run");

    assertEquals(0, result.exitCode(), result::toString);
    assertEquals("--config " + first + " --config ENV --config " + second + " --dry-run",
        Files.readString(arguments).strip());
    assertFalse(Files.exists(stateFile()), "no state echoed, no state file");
    assertTrue(result.err().contains("states received 0, written 0"), result::toString);
  }

  @Test
  void forwardsBothStderrStreamsLineByLineWithTheirNames() {
    Path tap = Scripts.write(folder, "tap-chatty",
        "i=0; while [ $i -lt 200 ]; do echo \"tap line $i of some length to make writes interleave\" >&2; i=$((i+1)); done\n"
            + Scripts.print(Scripts.SCHEMA));
    Path target = Scripts.write(folder, "target-chatty",
        "i=0; while [ $i -lt 200 ]; do echo \"target line $i of some length to make writes interleave\" >&2; i=$((i+1)); done\n"
            + "cat > /dev/null\n");

    Cli.Result result = run(tap, target);

    assertEquals(0, result.exitCode(), result::toString);
    List<String> tapLines = result.err().lines().filter(l -> l.contains("tap line")).toList();
    List<String> targetLines = result.err().lines().filter(l -> l.contains("target line")).toList();
    assertEquals(200, tapLines.size(), result::toString);
    assertEquals(200, targetLines.size(), result::toString);
    for (int i = 0; i < 200; i++) {
      assertEquals("[tap-chatty] tap line " + i + " of some length to make writes interleave", tapLines.get(i));
      assertEquals("[target-chatty] target line " + i + " of some length to make writes interleave", targetLines.get(i));
    }
  }

  @Test
  void aFailingTapFailsTheRunNamingTheTapButKeepsTheStateTheTargetCommitted() throws IOException {
    Files.writeString(stateFile(), Json.write(bookmark(1)));
    Path tap = Scripts.write(folder, "tap-flaky",
        Scripts.print(Scripts.SCHEMA, Scripts.record(2), Scripts.state(2))
            + "echo 'ERROR The API answered 500 three times for page 2' >&2\nexit 3\n");

    Cli.Result result = run(tap, echoingTarget());

    assertEquals(1, result.exitCode(), result::toString);
    String error = lastLine(result.err());
    assertTrue(error.startsWith("ERROR The tap tap-flaky failed: exit code 3"), error);
    assertTrue(error.contains("The API answered 500 three times"), error);
    assertTrue(error.contains("The state file holds the last state target-echo committed"), error);
    assertEquals(bookmark(2), savedState(), "the target committed record 2 and echoed its state");
  }

  @Test
  void aFailingTargetFailsTheRunNamingTheTargetAndLeavesTheStateFileAsItWas() throws IOException {
    String before = Json.write(bookmark(5)) + "\n";
    Files.writeString(stateFile(), before);
    Path tap = Scripts.write(folder, "tap-orders",
        Scripts.print(Scripts.SCHEMA, Scripts.record(6), Scripts.state(6)));
    Path target = Scripts.write(folder, "target-broken",
        "read -r first\necho 'ERROR Cannot connect to the warehouse: connection refused' >&2\nexit 4\n");

    Cli.Result result = run(tap, target);

    assertEquals(1, result.exitCode(), result::toString);
    String error = lastLine(result.err());
    assertTrue(error.startsWith("ERROR The target target-broken failed: exit code 4"), error);
    assertTrue(error.contains("Cannot connect to the warehouse"), error);
    assertTrue(error.contains("The state file was left as it was"), error);
    assertEquals(before, Files.readString(stateFile()), "not rewound, not emptied, not rewritten");
  }

  @Test
  void aSideWithABadConfigurationMakesTheRunExitWithTwo() {
    Path tap = Scripts.write(folder, "tap-misconfigured",
        "echo 'ERROR Settings: missing key \"files\"' >&2\nexit 2\n");

    Cli.Result result = run(tap, echoingTarget());

    assertEquals(2, result.exitCode(), result::toString);
    String error = lastLine(result.err());
    assertTrue(error.startsWith("ERROR The tap tap-misconfigured failed: exit code 2"), error);
    assertTrue(error.contains("missing key \"files\""), error);
  }

  @Test
  void aTargetKilledBySignalIsReportedAsSuch() {
    Path tap = Scripts.write(folder, "tap-orders", Scripts.print(Scripts.SCHEMA, Scripts.record(1)));
    Path target = Scripts.write(folder, "target-doomed", "kill -9 $$\n");

    Cli.Result result = run(tap, target);

    assertEquals(1, result.exitCode(), result::toString);
    assertTrue(lastLine(result.err()).contains("target-doomed failed: exit code 137 (killed by signal 9)"),
        result::toString);
  }

  @Test
  void aTargetThatEndsEarlyStopsAHangingTap() {
    Path tap = Scripts.write(folder, "tap-hanging", Scripts.print(Scripts.SCHEMA) + "sleep 60\n");
    Path target = Scripts.write(folder, "target-quitter", "read -r first\nexit 0\n");

    long started = System.nanoTime();
    Cli.Result result = run(tap, target);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertEquals(1, result.exitCode(), result::toString);
    assertTrue(lastLine(result.err()).startsWith("ERROR The target target-quitter ended before the tap had finished"),
        result::toString);
    assertTrue(took.compareTo(Duration.ofSeconds(30)) < 0, "the hanging tap was stopped: " + took);
  }

  @Test
  void anEmptyStateNeverReplacesANonEmptyOne() throws IOException {
    Files.writeString(stateFile(), Json.write(bookmark(9)));
    Path tap = Scripts.write(folder, "tap-orders", Scripts.print(Scripts.SCHEMA));
    Path target = Scripts.write(folder, "target-forgetful",
        "cat > /dev/null\necho '{\"type\": \"STATE\", \"value\": {}}'\n");

    Cli.Result result = run(tap, target);

    assertEquals(0, result.exitCode(), result::toString);
    assertEquals(bookmark(9), savedState());
  }

  @Test
  void linesOtherThanStatesOnTheTargetsStdoutAreIgnoredWithAWarning() {
    Path tap = Scripts.write(folder, "tap-orders", Scripts.print(Scripts.SCHEMA));
    Path target = Scripts.write(folder, "target-noisy",
        "cat > /dev/null\necho 'Loaded 0 rows'\necho '" + Scripts.state(4) + "'\necho '{\"type\": \"STATE\"'\n"
            + "echo '" + Scripts.record(5) + "'\n");

    Cli.Result result = run(tap, target);

    assertEquals(0, result.exitCode(), result::toString);
    assertEquals(bookmark(4), savedState());
    assertTrue(result.err().contains("WARN  Ignored line 1 of target-noisy's stdout"), result::toString);
    assertTrue(result.err().contains("WARN  Ignored line 3 of target-noisy's stdout"), result::toString);
    assertTrue(result.err().contains("WARN  Ignored line 4 of target-noisy's stdout"), result::toString);
  }

  @Test
  void acceptsTheBareStateObjectsThatPythonTargetsEcho() {
    Path tap = Scripts.write(folder, "tap-orders", Scripts.print(Scripts.SCHEMA, Scripts.record(1)));
    // singer-python and Meltano SDK targets write the state value itself, one JSON object a line
    Path target = Scripts.write(folder, "target-python-style",
        "cat > /dev/null\necho '{\"bookmarks\": {\"orders\": {\"id\": 3}}}'\n"
            + "echo '{\"bookmarks\": {\"orders\": {\"id\": 8}}}'\n");

    Cli.Result result = run(tap, target);

    assertEquals(0, result.exitCode(), result::toString);
    assertEquals(bookmark(8), savedState());
    assertFalse(result.err().contains("WARN"), result::toString);
  }

  @Test
  void theStateFileIsNeverSeenTornWhileStatesArrive() throws Exception {
    int states = 300;
    String lines = IntStream.rangeClosed(1, states)
        .mapToObj(i -> "{\"type\": \"STATE\", \"value\": {\"bookmarks\": {\"orders\": {\"id\": " + i
            + ", \"padding\": \"" + "x".repeat(4000) + "\"}}}}")
        .collect(Collectors.joining("\n"));
    Path tap = Scripts.write(folder, "tap-orders", Scripts.print(Scripts.SCHEMA));
    // one state at a time, so that the runner writes many of them
    Path target = Scripts.write(folder, "target-slow-echo",
        "cat > /dev/null\nwhile IFS= read -r line; do echo \"$line\"; done <<'STATES'\n" + lines + "\nSTATES\n");
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger reads = new AtomicInteger();
    AtomicReference<String> torn = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      while (running.get()) {
        try {
          if (Files.exists(stateFile())) {
            String text = Files.readString(stateFile());
            JsonNode state = Json.parse(text);
            if (!state.path("bookmarks").path("orders").has("padding")) {
              torn.set(text);
            }
            reads.incrementAndGet();
          }
        } catch (IOException | RuntimeException e) {
          torn.compareAndSet(null, e.toString());
        }
      }
    });
    reader.start();

    Cli.Result result = run(tap, target);
    running.set(false);
    reader.join();

    assertEquals(0, result.exitCode(), result::toString);
    assertEquals(null, torn.get(), "every read of the state file parsed");
    assertTrue(reads.get() > 0, "the reader saw the file");
    assertEquals(states, savedState().path("bookmarks").path("orders").path("id").asInt());
  }

  @Test
  void recordCountsFromMetricLinesAppearInTheSummary() {
    Path tap = Scripts.write(folder, "tap-counting",
        Scripts.print(Scripts.SCHEMA)
            + "echo 'INFO METRIC: {\"type\": \"counter\", \"metric\": \"record_count\", \"value\": 40, \"tags\": {\"stream\": \"orders\"}}' >&2\n");
    Path target = Scripts.write(folder, "target-counting",
        "cat > /dev/null\n"
            + "echo 'METRIC: {\"type\":\"counter\",\"metric\":\"record_count\",\"value\":10,\"tags\":{\"stream\":\"orders\"}}' >&2\n"
            + "echo 'METRIC: {\"type\":\"counter\",\"metric\":\"record_count\",\"value\":32,\"tags\":{\"stream\":\"orders\"}}' >&2\n"
            + "echo 'METRIC: {\"type\":\"counter\",\"metric\":\"record_count\",\"value\":5,\"tags\":{\"endpoint\":\"users\"}}' >&2\n");

    Cli.Result result = run(tap, target);

    assertEquals(0, result.exitCode(), result::toString);
    assertTrue(result.err().contains("records orders 42, users 5 (counted by target-counting)"), result::toString);
  }

  @Test
  void findsTheExecutablesOnThePath() {
    Scripts.write(folder, "tap-orders", Scripts.print(Scripts.SCHEMA, Scripts.state(1)));
    echoingTarget();

    Cli.Result result = cli.environment("PATH", folder + ":/usr/bin:/bin")
        .execute("run", "tap-orders", "target-echo", "--state-file", stateFile().toString());

    assertEquals(0, result.exitCode(), result::toString);
    assertEquals(bookmark(1), savedState());
  }

  @Test
  void anExecutableNotOnThePathIsABadConfiguration() {
    Path target = echoingTarget();

    Cli.Result result = cli.environment("PATH", folder.toString())
        .execute("run", "tap-missing", target.toString(), "--state-file", stateFile().toString());

    assertEquals(2, result.exitCode(), result::toString);
    assertEquals("ERROR The tap executable tap-missing was not found on PATH. Install it, add its folder"
        + " to PATH, or give its path (e.g. ./bin/tap-missing).", result.err().strip());
  }

  @Test
  void aFileThatIsNotExecutableIsABadConfiguration() throws IOException {
    Path tap = Files.writeString(folder.resolve("tap-plain"), "#!/bin/sh\n");

    Cli.Result result = run(tap, echoingTarget());

    assertEquals(2, result.exitCode(), result::toString);
    assertTrue(result.err().contains("is not executable. Run: chmod +x"), result::toString);
  }

  @Test
  void aMissingConfigFileIsABadConfiguration() {
    Cli.Result result = run(echoingTarget(), echoingTarget(), "--tap-config", folder.resolve("nope.json").toString());

    assertEquals(2, result.exitCode(), result::toString);
    assertTrue(result.err().startsWith("ERROR --tap-config"), result::toString);
  }

  @Test
  void aStateFileThatIsNotJsonIsABadConfigurationAndIsLeftAlone() throws IOException {
    Files.writeString(stateFile(), "{\"bookmarks\": ");
    Path tap = Scripts.write(folder, "tap-orders", Scripts.print(Scripts.SCHEMA, Scripts.state(1)));

    Cli.Result result = run(tap, echoingTarget());

    assertEquals(2, result.exitCode(), result::toString);
    assertTrue(result.err().startsWith("ERROR The state file"), result::toString);
    assertEquals("{\"bookmarks\": ", Files.readString(stateFile()));
    assertNotEquals(true, Files.exists(received()), "nothing ran");
  }

  @Test
  void aSecondRunOnTheSameStateFileIsRefusedWhileTheFirstHoldsIt() throws IOException {
    Files.writeString(stateFile(), Json.write(bookmark(1)));
    Path tap = Scripts.write(folder, "tap-orders", Scripts.print(Scripts.SCHEMA, Scripts.state(2)));
    Path target = echoingTarget();

    Cli.Result refused;
    try (StateFile.Lock held = new StateFile(stateFile()).lock()) {
      refused = run(tap, target);
    }
    Cli.Result after = run(tap, target);

    assertEquals(1, refused.exitCode(), refused::toString);
    assertTrue(refused.err().startsWith("ERROR Another run is using the state file " + stateFile()), refused::toString);
    assertEquals(bookmark(2), savedState(), "once released, a run goes ahead");
    assertEquals(0, after.exitCode(), after::toString);
  }

  private static String lastLine(String text) {
    List<String> lines = text.strip().lines().toList();
    return lines.get(lines.size() - 1);
  }
}
