package dev.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapline.spec.Json;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code tapline run NAME} processes started at once for the same pipeline: exactly one runs,
 * the other exits with 3 and names the holder of the lock. Against the file backend, and against
 * the postgres backend on an embedded PostgreSQL server.
 */
class ConcurrentRunTest {

  @TempDir Path folder;

  private Path project(String state) throws IOException {
    Path loaded = folder.resolve("loaded");
    Scripts.write(folder, "target-echo", Scripts.echoingTarget(loaded));
    // slow enough that both runs overlap
    Scripts.write(folder, "tap-slow", "sleep 3\n" + Scripts.print(Scripts.SCHEMA, Scripts.record(1), Scripts.state(1)));
    return Files.writeString(folder.resolve("tapline.yml"), """
        taps:
          slow: {executable: ./tap-slow}
        targets:
          echo: {executable: ./target-echo}
        pipelines:
          orders: {tap: slow, target: echo}
        """ + state, StandardCharsets.UTF_8);
  }

  private void exactlyOneRuns(Path project) throws Exception {
    List<Process> processes = new ArrayList<>();
    List<Path> errors = new ArrayList<>();
    for (int index = 0; index < 2; index++) {
      Path err = folder.resolve("err-" + index + ".txt");
      errors.add(err);
      processes.add(Launchers.startTapline(folder, folder, err, "run", "orders", "--project", project.toString()));
    }
    List<Integer> codes = new ArrayList<>();
    for (Process process : processes) {
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "tapline ended");
      codes.add(process.exitValue());
    }
    String both = Files.readString(errors.get(0)) + "\n----\n" + Files.readString(errors.get(1));
    assertEquals(List.of(0, 3), codes.stream().sorted().toList(), both);
    String refused = Files.readString(errors.get(codes.get(0) == 3 ? 0 : 1));
    assertTrue(refused.contains("The pipeline orders is already running (held by "), refused);
    assertTrue(refused.contains(" pid " + processes.get(codes.get(0) == 3 ? 1 : 0).pid() + " since "), refused);
    assertEquals(1, Files.readAllLines(folder.resolve("loaded")).stream().filter(line -> line.contains("RECORD")).count(),
        "the records were loaded once: " + both);
  }

  @Test
  void withTheFileBackendExactlyOneOfTwoRunsGoesAhead() throws Exception {
    exactlyOneRuns(project(""));
  }

  @Test
  void withThePostgresBackendExactlyOneOfTwoRunsGoesAheadAndTheHistoryIsShared() throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      Path project = project("""
          state:
            backend: postgres
            url: jdbc:postgresql://localhost:%d/postgres
            user: postgres
            schema: tapline_test
          """.formatted(postgres.getPort()));

      exactlyOneRuns(project);

      Cli.Result runs = new Cli().execute("runs", "orders", "--json", "--project", project.toString());
      assertEquals(0, runs.exitCode(), runs::toString);
      assertTrue(runs.out().contains("\"status\" : \"succeeded\""), runs::toString);
      Cli.Result state = new Cli().execute("state", "show", "orders", "--project", project.toString());
      assertEquals(0, state.exitCode(), state::toString);
      assertEquals(Json.parse("{\"bookmarks\": {\"orders\": {\"id\": 1}}}"), Json.parse(state.out()), state::toString);
    }
  }
}
