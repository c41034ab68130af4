package dev.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TaplineTest {

  private final Cli cli = new Cli();

  @Test
  void versionNamesTheExecutableAndTheVersionFromTheManifestOrDev() {
    Cli.Result result = cli.execute("--version");

    assertEquals(0, result.exitCode(), result::toString);
    // tests run from classes, where no jar manifest carries an Implementation-Version
    assertEquals("tapline dev", result.out().strip());
  }

  @Test
  void helpListsTheCommandsAndTheExitCodes() {
    Cli.Result result = cli.execute("--help");

    assertEquals(0, result.exitCode(), result::toString);
    assertTrue(result.out().contains("run"), result::toString);
    assertTrue(result.out().contains("check"), result::toString);
    assertTrue(result.out().contains("Exit codes"), result::toString);
  }

  @Test
  void runHelpExplainsTheStateFileRule() {
    Cli.Result result = cli.execute("run", "--help");

    assertEquals(0, result.exitCode(), result::toString);
    assertTrue(result.out().contains("--state-file"), result::toString);
    assertTrue(result.out().contains("empty state never replaces"), result::toString);
  }

  @Test
  void noCommandIsAUsageError() {
    Cli.Result result = cli.execute();

    assertEquals(2, result.exitCode(), result::toString);
    assertTrue(result.err().startsWith("ERROR Missing a command"), result::toString);
  }

  @Test
  void anUnknownOptionIsAUsageErrorOnOneLine() {
    Cli.Result result = cli.execute("--frobnicate");

    assertEquals(2, result.exitCode(), result::toString);
    assertTrue(result.err().startsWith("ERROR Unknown option: '--frobnicate'"), result::toString);
    assertEquals(1, result.err().strip().lines().count(), result::toString);
  }

  @Test
  void runWithoutTheStateFileIsAUsageError() {
    Cli.Result result = cli.execute("run", "tap-x", "target-y");

    assertEquals(2, result.exitCode(), result::toString);
    assertTrue(result.err().contains("--state-file"), result::toString);
  }

  @Test
  void checkNeedsEitherATapOrAnInput() {
    assertEquals(2, cli.execute("check").exitCode());
    Cli.Result both = cli.execute("check", "tap-x", "--input", "-");
    assertEquals(2, both.exitCode(), both::toString);
    assertTrue(both.err().contains("Give either TAP or --input FILE"), both::toString);
  }

  @Test
  void aNonNumericStopTimeoutIsAUsageError() {
    Cli.Result result = cli.execute("run", "a", "b", "--state-file", "s.json", "--stop-timeout", "soon");

    assertEquals(2, result.exitCode(), result::toString);
  }
}
