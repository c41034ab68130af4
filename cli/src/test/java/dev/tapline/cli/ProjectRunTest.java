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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tapline run NAME...} and {@code --all --parallel N} over a project file, with script connectors. */
class ProjectRunTest {

  @TempDir Path folder;

  private final Cli cli = new Cli();

  private Path project(String yaml) throws IOException {
    return Files.writeString(folder.resolve("tapline.yml"), yaml, StandardCharsets.UTF_8);
  }

  private Path tap(String name, int records) {
    StringBuilder lines = new StringBuilder();
    lines.append(Scripts.SCHEMA).append('\n');
    for (int id = 1; id <= records; id++) {
      lines.append(Scripts.record(id)).append('\n');
    }
    lines.append(Scripts.state(records));
    return Scripts.write(folder, name, Scripts.print(lines.toString()));
  }

  private Path target(String name) {
    return Scripts.write(folder, name, Scripts.echoingTarget(folder.resolve(name + ".received")));
  }

  private Path failingTap() {
    return Scripts.write(folder, "tap-broken", Scripts.print(Scripts.SCHEMA, Scripts.record(1))
        + "echo 'cannot reach the API: connection refused' >&2\nexit 1\n");
  }

  private String fourPipelines() {
    tap("tap-a", 3);
    tap("tap-b", 4);
    tap("tap-c", 5);
    failingTap();
    target("target-echo");
    return """
        taps:
          a: {executable: ./tap-a}
          b: {executable: ./tap-b}
          c: {executable: ./tap-c}
          broken: {executable: ./tap-broken}
        targets:
          echo: {executable: ./target-echo}
        pipelines:
          first: {tap: a, target: echo}
          second: {tap: b, target: echo}
          third: {tap: c, target: echo}
          failing: {tap: broken, target: echo}
        """;
  }

  @Test
  void fourPipelinesInParallelThreeCompleteTheFailureIsInTheSummaryAndTheHistory() throws IOException {
    Path project = project(fourPipelines());

    Cli.Result result = cli.execute("run", "--all", "--parallel", "2", "--project", project.toString());

    assertEquals(1, result.exitCode(), result::toString);
    assertTrue(result.err().contains("SUMMARY"), result::toString);
    assertTrue(result.err().contains("3 of 4 pipelines succeeded."), result::toString);
    List<String> failingLines = result.err().lines().filter(line -> line.startsWith("failing ")).toList();
    assertEquals(1, failingLines.size(), result::toString);
    assertTrue(failingLines.get(0).contains("failed"), result::toString);
    assertTrue(failingLines.get(0).contains("cannot reach the API"), result::toString);
    for (String name : List.of("first", "second", "third")) {
      assertTrue(result.err().lines().anyMatch(line -> line.startsWith(name + " ") && line.contains("succeeded")),
          () -> name + " succeeded: " + result);
    }
    Path state = folder.resolve(".tapline/state/third/state.json");
    assertEquals(Json.parse("{\"bookmarks\": {\"orders\": {\"id\": 5}}}"), Json.read(state));

    Cli.Result runs = cli.execute("runs", "--json", "--project", project.toString());
    assertEquals(0, runs.exitCode(), runs::toString);
    JsonNode history = Json.parse(runs.out());
    assertEquals(4, history.size(), runs::toString);
    for (JsonNode run : history) {
      String pipeline = run.path("pipeline").asText();
      if (pipeline.equals("failing")) {
        assertEquals("failed", run.path("status").asText());
        assertTrue(run.path("error").asText().contains("cannot reach the API: connection refused"), run::toString);
        assertEquals(1, run.path("exit_codes").path("broken").asInt(), run::toString);
        assertEquals(0, run.path("exit_codes").path("echo").asInt(), run::toString);
      } else {
        assertEquals("succeeded", run.path("status").asText(), run::toString);
        assertTrue(run.path("error").isNull(), run::toString);
        assertTrue(run.path("state_before").isNull(), run::toString);
        assertTrue(run.path("state_after").path("bookmarks").path("orders").has("id"), run::toString);
      }
      assertTrue(run.path("ended_at").asText().compareTo(run.path("started_at").asText()) >= 0, run::toString);
    }

    Cli.Result table = cli.execute("runs", "failing", "--project", project.toString());
    assertEquals(0, table.exitCode(), table::toString);
    assertEquals(2, table.out().strip().lines().count(), "a heading and the one run: " + table);
    assertTrue(table.out().contains("failed"), table::toString);
  }

  @Test
  void aRunOfOnePipelineByNameSavesItsStateInTheProjectsStateFolderAndResumesFromIt() throws IOException {
    Path received = folder.resolve("received.jsonl");
    Scripts.write(folder, "target-echo", Scripts.echoingTarget(received));
    Path stateArguments = folder.resolve("tap-arguments");
    Scripts.write(folder, "tap-orders", "echo \"$@\" > '" + stateArguments + "'\n"
        + Scripts.print(Scripts.SCHEMA, Scripts.record(1), Scripts.state(1)));
    Path project = project("""
        taps:
          orders: {executable: ./tap-orders, config: {path: data.csv}}
        targets:
          echo: {executable: ./target-echo}
        pipelines:
          orders: {tap: orders, target: echo}
        """);

    Cli.Result first = cli.execute("run", "orders", "--project", project.toString());
    Cli.Result second = cli.execute("run", "orders", "--project", project.toString());

    assertEquals(0, first.exitCode(), first::toString);
    assertEquals(0, second.exitCode(), second::toString);
    assertTrue(first.err().contains("[orders/orders] ") || first.err().contains("INFO  [orders] Run finished"), first::toString);
    String arguments = Files.readString(stateArguments);
    assertTrue(arguments.contains("--state "), "the second run passes the saved state: " + arguments);
    assertTrue(arguments.contains("--config "), arguments);
    List<String> leftovers;
    try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      leftovers = files.filter(file -> arguments.contains(file.toString())).map(Path::toString).toList();
    }
    assertEquals(List.of(), leftovers, "the private config and state files are deleted after the run");
  }

  @Test
  void anUnknownReferenceIsReportedWithItsPathAndNothingRuns() throws IOException {
    Path marker = folder.resolve("ran");
    Scripts.write(folder, "tap-a", "touch '" + marker + "'\n");
    Path project = project("""
        taps:
          a: {executable: ./tap-a}
        targets:
          echo: {executable: ./target-echo}
        pipelines:
          good: {tap: a, target: echo}
          bad: {tap: a, target: warehouse, mappers: [pii], retries: many}
        """);

    Cli.Result result = cli.execute("run", "--all", "--project", project.toString());

    assertEquals(2, result.exitCode(), result::toString);
    assertTrue(result.err().startsWith("ERROR The project file " + project), result::toString);
    assertTrue(result.err().contains("pipelines.bad.target: unknown target \"warehouse\" (declared: echo)"), result::toString);
    assertTrue(result.err().contains("pipelines.bad.mappers[0]: unknown mapper \"pii\""), result::toString);
    assertTrue(result.err().contains("pipelines.bad.retries: must be a number"), result::toString);
    assertEquals(1, result.err().strip().lines().count(), result::toString);
    assertFalse(Files.exists(marker), "nothing ran");
  }

  @Test
  void optionsOfTheAdHocFormAreRefusedInTheProjectForm() throws IOException {
    Path project = project(fourPipelines());

    Cli.Result result = cli.execute("run", "first", "--tap-config", "tap.json", "--project", project.toString());

    assertEquals(2, result.exitCode(), result::toString);
    assertTrue(result.err().contains("belong to the ad-hoc form"), result::toString);
    Cli.Result neither = cli.execute("run", "--project", project.toString());
    assertEquals(2, neither.exitCode(), neither::toString);
    assertTrue(neither.err().contains("Give pipeline names or --all"), neither::toString);
    Cli.Result unknown = cli.execute("run", "fifth", "--project", project.toString());
    assertEquals(2, unknown.exitCode(), unknown::toString);
    assertTrue(unknown.err().contains("No pipeline \"fifth\""), unknown::toString);
  }

  @Test
  void aFailingNotificationIsRetriedAndNeverFailsThePipeline() throws IOException {
    tap("tap-a", 2);
    target("target-echo");
    Path calls = folder.resolve("calls");
    Scripts.write(folder, "notify-broken", "cat >> '" + calls + "'\necho >> '" + calls + "'\n"
        + "echo \"pager down for $TAPLINE_PIPELINE ($TAPLINE_STATUS) $1\" >&2\nexit 1\n");
    Path project = project("""
        taps: {a: {executable: ./tap-a}}
        targets: {echo: {executable: ./target-echo}}
        pipelines:
          first:
            tap: a
            target: echo
            notify: [{on: [success], command: [./notify-broken, "${PAGER_KEY}"], retries: 1}]
        """);

    Cli.Result result = cli.environment("PAGER_KEY", "pager-key-31337").execute("run", "first", "--project", project.toString());

    assertEquals(0, result.exitCode(), result::toString);
    assertTrue(result.err().contains("WARN  [first] The notification to command notify-broken failed after 2 attempts:"
        + " exit code 1: pager down for first (succeeded) ***. The run's outcome stands."), result::toString);
    List<String> bodies = Files.readAllLines(calls).stream().filter(line -> !line.isBlank()).toList();
    assertEquals(2, bodies.size(), "tried twice: " + bodies);
    assertEquals("succeeded", Json.parse(bodies.get(0)).path("status").asText());
    assertFalse(result.err().contains("pager-key-31337"), result::toString);
  }

  @Test
  void malformedYamlIsReportedWithItsLine() throws IOException {
    Path project = project("taps:\n  a: {executable: ./tap-a\npipelines: [\n");

    Cli.Result result = cli.execute("run", "--all", "--project", project.toString());

    assertEquals(2, result.exitCode(), result::toString);
    assertTrue(result.err().contains("is not valid YAML"), result::toString);
    assertTrue(result.err().contains(" line "), result::toString);
  }

  @Test
  void aMissingEnvironmentVariableStopsEveryPipelineBeforeAnyStarts() throws IOException {
    Path marker = folder.resolve("ran");
    Scripts.write(folder, "tap-a", "touch '" + marker + "'\n");
    target("target-echo");
    Path project = project("""
        taps:
          a: {executable: ./tap-a}
          b: {executable: ./tap-a, config: {token: "${TAPLINE_TEST_UNSET_TOKEN}"}}
        targets:
          echo: {executable: ./target-echo}
        pipelines:
          good: {tap: a, target: echo}
          needs-token: {tap: b, target: echo}
        """);

    Cli.Result result = cli.execute("run", "--all", "--project", project.toString());

    assertEquals(2, result.exitCode(), result::toString);
    assertTrue(result.err().contains("taps.b.config.token: ${TAPLINE_TEST_UNSET_TOKEN}"), result::toString);
    assertFalse(Files.exists(marker), "nothing ran");
  }

  @Test
  void aFailedAttemptIsRetriedFromTheLastCommittedState() throws IOException {
    Path attempts = folder.resolve("attempts");
    Path arguments = folder.resolve("arguments");
    // fails on its first run after committing a state, succeeds on the second
    Scripts.write(folder, "tap-flaky", "echo \"$@\" >> '" + arguments + "'\n"
        + "echo x >> '" + attempts + "'\n"
        + "if [ $(wc -l < '" + attempts + "') -eq 1 ]; then\n"
        + Scripts.print(Scripts.SCHEMA, Scripts.record(1), Scripts.state(1))
        + "sleep 0.5\necho 'timeout reading page 2' >&2\nexit 1\nfi\n"
        + Scripts.print(Scripts.SCHEMA, Scripts.record(2), Scripts.state(2)));
    target("target-echo");
    Path project = project("""
        taps:
          flaky: {executable: ./tap-flaky}
        targets:
          echo: {executable: ./target-echo}
        pipelines:
          flaky: {tap: flaky, target: echo, retries: 2, retry_backoff_seconds: 0.1}
        """);

    Cli.Result result = cli.execute("run", "flaky", "--project", project.toString());

    assertEquals(0, result.exitCode(), result::toString);
    assertTrue(result.err().contains("Attempt 1 of 3 failed; retrying"), result::toString);
    List<String> lines = Files.readAllLines(arguments);
    assertEquals(2, lines.size());
    assertFalse(lines.get(0).contains("--state"), lines::toString);
    assertTrue(lines.get(1).contains("--state"), "the retry resumes from the state committed by the first attempt");
    JsonNode history = Json.parse(cli.execute("runs", "flaky", "--json", "--project", project.toString()).out());
    assertEquals(2, history.size());
    assertEquals("succeeded", history.get(0).path("status").asText());
    assertEquals(2, history.get(0).path("attempt").asInt());
    assertEquals(Json.parse("{\"bookmarks\": {\"orders\": {\"id\": 1}}}"), history.get(0).path("state_before"));
    assertEquals("failed", history.get(1).path("status").asText());
  }
}
