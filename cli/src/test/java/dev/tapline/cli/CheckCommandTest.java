package dev.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CheckCommandTest {

  @TempDir Path folder;

  private final Cli cli = new Cli();

  private static Path sample(String name) {
    return resource("/singer-tools-samples/" + name);
  }

  private static Path resource(String name) {
    try {
      return Path.of(CheckCommandTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theValidSampleOfSingerToolsPassesWithCountsPerStream() {
    Cli.Result result = cli.execute("check", "--input", sample("fixerio-valid-initial.json").toString());

    assertEquals(0, result.exitCode(), result::toString);
    assertTrue(result.err().contains("17 valid messages in 17 lines"), result::toString);
    assertTrue(result.err().contains("exchange_rate: 1 schema, 15 records"), result::toString);
    assertTrue(result.err().contains("1 state"), result::toString);
    assertEquals("", result.out(), "stdout is for Singer messages only");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "fixerio-invalid-bad-type.json | 2 | unknown message type \"FOO\"",
        "fixerio-invalid-doesnt-match-schema.json | 2 | property \"date\":",
        "fixerio-invalid-no-key-properties.json | 1 | required property 'key_properties' not found",
        "fixerio-invalid-no-stream.json | 2 | required property 'stream' not found",
        "fixerio-invalid-truncated.json | 2 | not valid JSON",
      })
  void eachInvalidSampleFailsNamingTheLineAndTheProblem(String file, int line, String problem) {
    Cli.Result result = cli.execute("check", "--input", sample(file).toString());

    assertEquals(1, result.exitCode(), result::toString);
    List<String> lines = result.err().strip().lines().toList();
    assertEquals(1, lines.size(), "one line per violation: " + result);
    String error = lines.get(0);
    assertTrue(error.startsWith("ERROR "), error);
    assertTrue(error.contains(" line " + line), error);
    assertTrue(error.contains(problem), error);
    if (!file.contains("no-stream")) {
      assertTrue(error.contains("stream \"exchange_rate\""), error);
    }
  }

  @Test
  void aRealTapOutputWithManyStreamsAndActivateVersionPasses() {
    Cli.Result result = cli.execute("check", "--input",
        resource("/pipelinewise-target-postgres/messages-with-multiple-streams.json").toString());

    assertEquals(0, result.exitCode(), result::toString);
    assertTrue(result.err().contains("34 valid messages in 34 lines, 4 streams, 13 states"), result::toString);
    assertTrue(result.err().contains("tap_mysql_test-test_table_three: 1 schema, 3 records, 3 activate_version"),
        result::toString);
  }

  @Test
  void aLineOfTextAmongTheMessagesFails() {
    Cli.Result result = cli.execute("check", "--input",
        resource("/pipelinewise-target-postgres/invalid-json.json").toString());

    assertEquals(1, result.exitCode(), result::toString);
    assertTrue(result.err().contains("line 3 (no stream): not valid JSON"), result::toString);
    assertTrue(result.err().contains("The line starts: THIS IS A TEST INPUT"), result::toString);
  }

  @Test
  void aRecordOfAStreamWhoseSchemaComesLaterFails() {
    Cli.Result result = cli.execute("check", "--input",
        resource("/pipelinewise-target-postgres/invalid-message-order.json").toString());

    assertEquals(1, result.exitCode(), result::toString);
    assertTrue(result.err().contains("line 3, stream \"tap_mysql_test-test_table_two\": RECORD before the stream's SCHEMA"),
        result::toString);
  }

  @Test
  void readsStandardInputWhenTheInputIsADash() {
    Cli.Result result = cli
        .standardInput(Scripts.SCHEMA + "\n" + Scripts.record(1) + "\n\n" + Scripts.state(1) + "\n")
        .execute("check", "--input", "-");

    assertEquals(0, result.exitCode(), result::toString);
    assertTrue(result.err().contains("orders: 1 schema, 1 record"), result::toString);
  }

  @Test
  void aRecordBeforeItsStreamsSchemaFails() {
    Cli.Result result = cli.standardInput(Scripts.record(1) + "\n" + Scripts.SCHEMA + "\n")
        .execute("check", "--input", "-");

    assertEquals(1, result.exitCode(), result::toString);
    assertTrue(result.err().contains("line 1, stream \"orders\": RECORD before the stream's SCHEMA"),
        result::toString);
  }

  @Test
  void aRecordIsCheckedAgainstTheLatestSchemaOfItsStream() {
    String textSchema = Scripts.SCHEMA.replace("\"integer\"", "\"string\"");
    Cli.Result result = cli
        .standardInput(Scripts.SCHEMA + "\n" + Scripts.record(1) + "\n" + textSchema + "\n" + Scripts.record(2) + "\n")
        .execute("check", "--input", "-");

    assertEquals(1, result.exitCode(), result::toString);
    assertTrue(result.err().contains("line 4, stream \"orders\": the RECORD does not match the"
        + " stream's SCHEMA (line 3): property \"id\""), result::toString);
  }

  @Test
  void decimalsAreCheckedExactly() {
    String schema = "{\"type\": \"SCHEMA\", \"stream\": \"prices\", \"key_properties\": [],"
        + " \"schema\": {\"type\": \"object\", \"properties\": {\"amount\": {\"type\": \"number\", \"multipleOf\": 0.1}}}}";
    String record = "{\"type\": \"RECORD\", \"stream\": \"prices\", \"record\": {\"amount\": -4.8}}";

    Cli.Result result = cli.standardInput(schema + "\n" + record + "\n").execute("check", "--input", "-");

    assertEquals(0, result.exitCode(), result::toString);
  }

  @Test
  void aLowerCaseTypeIsAViolationOfTheProtocol() {
    Cli.Result result = cli.standardInput(Scripts.SCHEMA.replace("\"SCHEMA\"", "\"schema\"") + "\n")
        .execute("check", "--input", "-");

    assertEquals(1, result.exitCode(), result::toString);
    assertTrue(result.err().contains("line 1, stream \"orders\": unknown message type \"schema\""), result::toString);
  }

  @Test
  void twoObjectsOnOneLineAreAViolation() {
    Cli.Result result = cli.standardInput(Scripts.SCHEMA + " " + Scripts.record(1) + "\n")
        .execute("check", "--input", "-");

    assertEquals(1, result.exitCode(), result::toString);
    assertTrue(result.err().contains("line 1"), result::toString);
  }

  @Test
  void allReportsEveryViolationAndTheirNumber() {
    Cli.Result result = cli
        .standardInput(Scripts.record(1) + "\n" + Scripts.SCHEMA + "\n" + "{\"type\": \"STATE\"}\n" + Scripts.record(2) + "\n")
        .execute("check", "--all", "--input", "-");

    assertEquals(1, result.exitCode(), result::toString);
    assertTrue(result.err().contains("line 1, stream \"orders\": RECORD before"), result::toString);
    assertTrue(result.err().contains("line 3 (no stream): not a valid STATE message: required property 'value'"),
        result::toString);
    assertTrue(result.err().contains("2 violations in 4 lines"), result::toString);
  }

  @Test
  void aMissingInputFileIsABadConfiguration() {
    Cli.Result result = cli.execute("check", "--input", folder.resolve("nope.json").toString());

    assertEquals(2, result.exitCode(), result::toString);
    assertTrue(result.err().startsWith("ERROR --input"), result::toString);
  }

  @Test
  void runsATapWithItsConfigAndCatalogAndChecksItsOutput() throws IOException {
    Path arguments = folder.resolve("arguments.txt");
    Path config = Files.writeString(folder.resolve("config.json"), "{}");
    Path catalog = Files.writeString(folder.resolve("catalog.json"), "{\"streams\": []}");
    Path tap = Scripts.write(folder, "tap-good",
        "echo \"$@\" > '" + arguments + "'\n"
            + "echo 'starting' >&2\n"
            + Scripts.print(Scripts.SCHEMA, Scripts.record(1), Scripts.record(2), Scripts.state(2)));

    Cli.Result result = cli.execute("check", tap.toString(), "--config", config.toString(), "--catalog", catalog.toString());

    assertEquals(0, result.exitCode(), result::toString);
    assertTrue(result.err().contains("[tap-good] starting"), result::toString);
    assertTrue(result.err().contains("orders: 1 schema, 2 records"), result::toString);
    assertEquals("--config " + config + " --catalog " + catalog,
        Files.readString(arguments, StandardCharsets.UTF_8).strip());
  }

  @Test
  void theFirstViolationStopsTheTap() throws IOException {
    Path pidFile = folder.resolve("pid");
    Path tap = Scripts.write(folder, "tap-bad",
        "echo $$ > '" + pidFile + "'\n"
            + Scripts.print(Scripts.SCHEMA, "{\"type\": \"RECORD\", \"stream\": \"orders\", \"record\": {\"id\": \"one\"}}")
            + "sleep 60\n");

    long started = System.nanoTime();
    Cli.Result result = cli.execute("check", tap.toString());
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertEquals(1, result.exitCode(), result::toString);
    assertTrue(result.err().contains("tap-bad line 2, stream \"orders\""), result::toString);
    assertTrue(took.compareTo(Duration.ofSeconds(30)) < 0, "check did not wait for the tap: " + took);
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    assertFalse(process.isPresent() && process.get().isAlive(), "the tap was stopped");
  }

  @Test
  void aTapThatFailsAfterValidOutputFailsTheCheck() {
    Path tap = Scripts.write(folder, "tap-crash",
        Scripts.print(Scripts.SCHEMA, Scripts.record(1)) + "echo 'ERROR lost the connection' >&2\nexit 3\n");

    Cli.Result result = cli.execute("check", tap.toString());

    assertEquals(1, result.exitCode(), result::toString);
    assertTrue(result.err().contains("tap-crash failed with exit code 3"), result::toString);
    assertTrue(result.err().contains("[tap-crash] ERROR lost the connection"), result::toString);
  }

  @Test
  void aTapNotFoundOnThePathIsABadConfiguration() {
    Cli.Result result = cli.environment("PATH", folder.toString()).execute("check", "tap-nowhere");

    assertEquals(2, result.exitCode(), result::toString);
    assertTrue(result.err().startsWith("ERROR The tap executable tap-nowhere was not found on PATH"),
        result::toString);
  }
}
