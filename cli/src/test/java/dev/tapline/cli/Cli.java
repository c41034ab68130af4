package dev.tapline.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine;

/** Runs {@code tapline} in this JVM, the way {@code main} does, and captures what it prints. */
final class Cli {

  /** What one execution returned and printed. */
  record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private final Map<String, String> environment = new HashMap<>(System.getenv());
  private InputStream standardInput = new ByteArrayInputStream(new byte[0]);
  private Consumer<PipelineRun> runListener = run -> {};

  Cli environment(String name, String value) {
    environment.put(name, value);
    return this;
  }

  Cli standardInput(String text) {
    standardInput = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  /** Called with the pipeline of a {@code run} before it starts its processes. */
  Cli onRunStart(Consumer<PipelineRun> listener) {
    runListener = listener;
    return this;
  }

  Result execute(String... args) {
    java.io.ByteArrayOutputStream messages = new java.io.ByteArrayOutputStream();
    CommandLine commandLine = Tapline.commandLine(environment, standardInput, messages);
    ((RunCommand) commandLine.getSubcommands().get("run").getCommand()).onStart(runListener);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int code = commandLine.execute(args);
    return new Result(code, out.toString() + messages.toString(StandardCharsets.UTF_8), err.toString());
  }
}
