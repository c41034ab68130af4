package dev.tapline.cli;

import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.MessageReader;
import dev.tapline.spec.TaplineException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code tapline check}: runs a tap (or reads saved output) and checks every message against the
 * Singer protocol. Stops at the first violation unless {@code --all} is given.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    versionProvider = Tapline.ManifestVersion.class,
    description = {
      "Checks a tap's output against the Singer protocol: every line is a message matching its"
          + " type's JSON Schema (spec/schemas), every RECORD matches the latest SCHEMA of its"
          + " stream, which comes first.",
      "Either runs TAP (with --config and --catalog) or reads --input FILE (- for stdin)."
    },
    footer = {"", "Exit codes: 0 the stream is valid, 1 a violation or the tap failed, 2 usage or bad configuration."})
final class CheckCommand implements Callable<Integer> {

  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  @ParentCommand Tapline tapline;

  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "TAP", description = "The tap to run: a path, or a name on PATH.")
  String tap;

  @Option(names = "--input", paramLabel = "FILE", description = "Check saved tap output instead (- reads stdin).")
  String input;

  @Option(names = "--config", paramLabel = "FILE", description = "A settings file for the tap (repeatable; ENV passes through).")
  List<String> configs = new ArrayList<>();

  @Option(names = "--catalog", paramLabel = "FILE", description = "A catalog for the tap.")
  Path catalog;

  @Option(names = "--all", description = "Report every violation instead of stopping at the first.")
  boolean all;

  @Override
  public Integer call() {
    if ((tap == null) == (input == null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Give either TAP or --input FILE (not both)");
    }
    if (input != null && (!configs.isEmpty() || catalog != null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--config and --catalog are for a TAP, not for --input");
    }
    PrintWriter err = spec.commandLine().getErr();
    return input != null ? checkInput(err) : checkTap(err);
  }

  private int checkInput(PrintWriter err) {
    if ("-".equals(input)) {
      return check(tapline.standardInput(), "stdin", err, null);
    }
    Path path = Path.of(input);
    try (InputStream in = Files.newInputStream(path)) {
      return check(in, input, err, null);
    } catch (NoSuchFileException e) {
      throw new ConfigurationException("--input " + input + " does not exist. Check the path.", e);
    } catch (IOException e) {
      throw new ConfigurationException("Cannot read --input " + input + ": " + e.getMessage(), e);
    }
  }

  private int checkTap(PrintWriter err) {
    Path executable = Executables.resolve("tap", tap, tapline.environment());
    String name = Executables.displayName(executable);
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    for (String config : configs) {
      command.add("--config");
      command.add("ENV".equals(config) ? config : existingFile(config, "--config").toString());
    }
    if (catalog != null) {
      command.add("--catalog");
      command.add(existingFile(catalog.toString(), "--catalog").toString());
    }
    Process process;
    try {
      process = new ProcessBuilder(command).start();
    } catch (IOException e) {
      throw new TaplineException("Cannot start " + name + ": " + e.getMessage(), e);
    }
    Thread stderr = new Thread(new StderrForwarder(name, process.getErrorStream(), err), "stderr-" + name);
    stderr.setDaemon(true);
    stderr.start();
    try {
      process.getOutputStream().close();
      int code;
      try (InputStream out = process.getInputStream()) {
        code = check(out, name, err, process);
      }
      int tapCode = process.waitFor();
      stderr.join(STOP_GRACE.toMillis());
      if (code == 0 && tapCode != 0) {
        err.println("ERROR The output so far is valid, but " + name + " failed with "
            + PipelineRun.describeExit(tapCode) + ". See its stderr above.");
        return 1;
      }
      return code;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      PipelineRun.terminate(process.toHandle(), STOP_GRACE);
      throw new TaplineException("Interrupted while checking " + name + ".", e);
    } finally {
      if (process.isAlive()) {
        PipelineRun.terminate(process.toHandle(), STOP_GRACE);
      }
    }
  }

  /**
   * Checks a stream; on the first violation (unless {@code --all}) stops, and kills {@code tap}
   * when there is one.
   */
  private int check(InputStream in, String source, PrintWriter err, Process tapProcess) {
    StreamChecker checker = new StreamChecker(violation -> err.println("ERROR " + source + " " + violation));
    MessageReader reader = new MessageReader(in);
    long lines = 0;
    String line;
    while ((line = reader.nextLine()) != null) {
      lines = reader.lineNumber();
      if (!checker.check(line, lines) && !all) {
        if (tapProcess != null) {
          PipelineRun.terminate(tapProcess.toHandle(), STOP_GRACE);
        }
        return 1;
      }
    }
    lines = reader.lineNumber();
    if (checker.violationCount() > 0) {
      err.println("ERROR " + source + ": " + checker.violationCount() + " violation"
          + (checker.violationCount() == 1 ? "" : "s") + " in " + lines + " lines.");
      return 1;
    }
    if (checker.messages() == 0) {
      err.println("WARN  " + source + " holds no Singer messages.");
    }
    err.println("OK    " + source + ": " + checker.messages() + " valid messages in " + lines
        + " lines, " + checker.counts().size() + " stream" + (checker.counts().size() == 1 ? "" : "s")
        + ", " + checker.states() + " state" + (checker.states() == 1 ? "" : "s") + ".");
    checker.counts().forEach((stream, counts) -> {
      StringBuilder text = new StringBuilder("      ").append(stream).append(": ")
          .append(counts.schemas).append(counts.schemas == 1 ? " schema, " : " schemas, ")
          .append(counts.records).append(counts.records == 1 ? " record" : " records");
      if (counts.activateVersions > 0) {
        text.append(", ").append(counts.activateVersions).append(" activate_version");
      }
      if (counts.batches > 0) {
        text.append(", ").append(counts.batches).append(" batch");
      }
      err.println(text);
    });
    return 0;
  }

  private static Path existingFile(String given, String option) {
    Path path = Path.of(given).toAbsolutePath().normalize();
    if (!Files.isRegularFile(path)) {
      throw new ConfigurationException(option + " " + given + " does not exist or is not a file.");
    }
    return path;
  }
}
