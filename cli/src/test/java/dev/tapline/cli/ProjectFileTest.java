package dev.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading {@code tapline.yml}: schedules, variables, and the problems reported with their paths. */
class ProjectFileTest {

  @TempDir Path folder;

  private Project load(String yaml) throws IOException {
    return Project.load(Files.writeString(folder.resolve("tapline.yml"), yaml, StandardCharsets.UTF_8));
  }

  @Test
  void schedulesAreFiveFieldCronExpressionsOrMacros() {
    assertNull(Cron.problem("*/15 * * * *"));
    assertNull(Cron.problem("0 2 * * 1-5"));
    assertNull(Cron.problem("0 0 1 jan,jul sun"));
    assertNull(Cron.problem("@hourly"));
    assertTrue(Cron.problem("* * * *").contains("has 4 fields; a cron schedule has 5"));
    assertTrue(Cron.problem("61 * * * *").contains("minute \"61\" is not from 0 to 59"));
    assertTrue(Cron.problem("0 */0 * * *").contains("step of 0"));
    assertTrue(Cron.problem("@sometimes").contains("is not one of"));
  }

  @Test
  void variablesResolveFromTheEnvironmentAndAreRememberedAsSecrets() {
    Interpolation interpolation = new Interpolation(Map.of("TOKEN", "abc123", "HOST", "db.internal"));

    assertEquals(Json.parse("{\"url\": \"https://db.internal/x\", \"auth\": [\"Bearer abc123\"], \"literal\": \"${KEEP}\", \"n\": 5}"),
        interpolation.resolve(Json.parse("{\"url\": \"https://${HOST}/x\", \"auth\": [\"Bearer ${TOKEN}\"], \"literal\": \"$${KEEP}\", \"n\": 5}"), "c"));
    interpolation.check("tapline.yml");
    assertEquals("token ***, host ***", interpolation.redactor().redact("token abc123, host db.internal"));

    Interpolation missing = new Interpolation(Map.of());
    missing.resolve("${A} and ${B}", "taps.x.config.key");
    ConfigurationException problem = assertThrows(ConfigurationException.class, () -> missing.check("tapline.yml"));
    assertTrue(problem.getMessage().contains("taps.x.config.key: ${A}, taps.x.config.key: ${B}"), problem.getMessage());
  }

  @Test
  void everyProblemOfTheFileIsReportedWithItsPath() {
    ConfigurationException problem = assertThrows(ConfigurationException.class, () -> load("""
        taps:
          good: {executable: tap-csv, colour: blue}
          "bad name!": {}
        targets:
          out: {executable: target-jsonl, select: ["x"]}
        pipelines:
          p1:
            tap: missing
            target: out
            schedule: "every hour"
            notify: [{on: [sometimes], webhook: "http://127.0.0.1/"}, {webhook: "http://a", command: [x]}]
        state: {backend: s3}
        extra: 1
        """));

    String message = problem.getMessage();
    assertTrue(message.contains("taps.good.colour: unknown key"), message);
    assertTrue(message.contains("taps.bad name!: a plugin name is letters"), message);
    assertTrue(message.contains("targets.out: select, metadata and catalog apply to taps only"), message);
    assertTrue(message.contains("pipelines.p1.tap: unknown tap \"missing\" (declared: good)"), message);
    assertTrue(message.contains("pipelines.p1.schedule: \"every hour\" has 2 fields"), message);
    assertTrue(message.contains("pipelines.p1.notify[0].on: \"sometimes\" is not failure or success"), message);
    assertTrue(message.contains("pipelines.p1.notify[1]: give either webhook: URL or command"), message);
    assertTrue(message.contains("state.backend: \"s3\" is not file or postgres"), message);
    assertTrue(message.contains("extra: unknown key"), message);
  }

  @Test
  void defaultsOfAPipeline() throws IOException {
    Project project = load("""
        taps: {csv: {}}
        targets: {jsonl: {}}
        notify: [{webhook: "http://127.0.0.1:9/all"}]
        pipelines: {p: {tap: csv, target: jsonl}}
        """);

    Project.Pipeline pipeline = project.pipeline("p");
    assertEquals("csv", project.taps().get("csv").executable(), "the executable defaults to the plugin's name");
    assertEquals(0, pipeline.retries());
    assertEquals(30, pipeline.stopTimeoutSeconds());
    assertEquals(1, pipeline.notifications().size(), "project-wide notifications apply to every pipeline");
    assertEquals(java.util.Set.of("failure"), pipeline.notifications().get(0).on());
    assertEquals("tapline-a-b-c", ExportCommand.kubernetesName("A_b..c"));
  }
}
