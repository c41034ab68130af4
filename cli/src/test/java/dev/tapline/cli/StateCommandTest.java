package dev.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapline.spec.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tapline state show|set|clear}, and bookmarks merged by a run that syncs some streams. */
class StateCommandTest {

  @TempDir Path folder;

  private final Cli cli = new Cli();

  private Path project() throws IOException {
    Scripts.write(folder, "target-echo", Scripts.echoingTarget(folder.resolve("received")));
    // syncs only the stream "payments", as a tap given a catalog that selects one stream does
    Scripts.write(folder, "tap-payments", Scripts.print(
        "{\"type\": \"SCHEMA\", \"stream\": \"payments\", \"key_properties\": [\"id\"], \"schema\": {\"properties\": {\"id\": {\"type\": \"integer\"}}}}",
        "{\"type\": \"RECORD\", \"stream\": \"payments\", \"record\": {\"id\": 9}}",
        "{\"type\": \"STATE\", \"value\": {\"bookmarks\": {\"payments\": {\"id\": 9}}}}"));
    return Files.writeString(folder.resolve("tapline.yml"), """
        taps:
          shop: {executable: ./tap-payments}
        targets:
          echo: {executable: ./target-echo}
        pipelines:
          shop: {tap: shop, target: echo}
        """, StandardCharsets.UTF_8);
  }

  @Test
  void aRunThatSyncsSomeStreamsMergesItsBookmarksIntoTheSavedState() throws IOException {
    String project = project().toString();
    Cli.Result set = cli.execute("state", "set", "shop", "--project", project, "--value",
        "{\"bookmarks\": {\"orders\": {\"id\": 100}, \"payments\": {\"id\": 1}}}");
    assertEquals(0, set.exitCode(), set::toString);

    Cli.Result run = cli.execute("run", "shop", "--project", project);

    assertEquals(0, run.exitCode(), run::toString);
    Cli.Result show = cli.execute("state", "show", "shop", "--project", project);
    assertEquals(0, show.exitCode(), show::toString);
    assertEquals(Json.parse("{\"bookmarks\": {\"orders\": {\"id\": 100}, \"payments\": {\"id\": 9}}}"),
        Json.parse(show.out()), "orders keeps its bookmark, payments moves on");
  }

  @Test
  void clearWithAStreamResetsThatStreamOnly() throws IOException {
    String project = project().toString();
    cli.execute("state", "set", "shop", "--project", project, "--value",
        "{\"bookmarks\": {\"orders\": {\"id\": 100}, \"payments\": {\"id\": 7}}, \"currently_syncing\": null}");

    Cli.Result clear = cli.execute("state", "clear", "shop", "--stream", "orders", "--project", project);

    assertEquals(0, clear.exitCode(), clear::toString);
    Cli.Result show = cli.execute("state", "show", "shop", "--project", project);
    assertEquals(Json.parse("{\"bookmarks\": {\"payments\": {\"id\": 7}}, \"currently_syncing\": null}"), Json.parse(show.out()));
    Cli.Result stream = cli.execute("state", "show", "shop", "--stream", "payments", "--project", project);
    assertEquals(Json.parse("{\"id\": 7}"), Json.parse(stream.out()));

    Cli.Result all = cli.execute("state", "clear", "shop", "--project", project);
    assertEquals(0, all.exitCode(), all::toString);
    assertEquals("null", cli.execute("state", "show", "shop", "--project", project).out().strip());
  }

  @Test
  void setWithAStreamReplacesOneBookmarkAndSetIsRefusedWhileThePipelineRuns() throws IOException {
    String project = project().toString();
    cli.execute("state", "set", "shop", "--project", project, "--value", "{\"bookmarks\": {\"orders\": {\"id\": 1}}}");

    Cli.Result set = cli.execute("state", "set", "shop", "--stream", "payments", "--value", "{\"id\": 3}", "--project", project);
    assertEquals(0, set.exitCode(), set::toString);
    assertEquals(Json.parse("{\"bookmarks\": {\"orders\": {\"id\": 1}, \"payments\": {\"id\": 3}}}"),
        Json.parse(cli.execute("state", "show", "shop", "--project", project).out()));

    Cli.Result refused;
    try (StateBackend.Lock held = new FileStateBackend(folder.resolve(".tapline/state")).lock("shop")) {
      refused = cli.execute("state", "clear", "shop", "--project", project);
    }
    assertEquals(3, refused.exitCode(), refused::toString);
    assertTrue(refused.err().contains("The pipeline shop is already running (held by "), refused::toString);
    assertTrue(refused.err().contains(" since "), refused::toString);
  }

  @Test
  void badUsageExitsWithTwo() throws IOException {
    String project = project().toString();
    assertEquals(2, cli.execute("state", "set", "shop", "--project", project).exitCode());
    assertEquals(2, cli.execute("state", "drop", "shop", "--project", project).exitCode());
    Cli.Result unknown = cli.execute("state", "show", "nope", "--project", project);
    assertEquals(2, unknown.exitCode(), unknown::toString);
    assertTrue(unknown.err().contains("No pipeline \"nope\""), unknown::toString);
  }
}
