package dev.tapline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import dev.tapline.spec.State;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code tapline state show|set|clear NAME [--stream S]}: a pipeline's saved state. */
@Command(
    name = "state",
    mixinStandardHelpOptions = true,
    versionProvider = Tapline.ManifestVersion.class,
    description = {
      "Shows, sets or clears the saved state of a pipeline of the project file.",
      "show prints the state (or one stream's bookmark) as JSON on stdout; set replaces it with"
          + " --value JSON or --file FILE (- reads stdin); clear removes it, so the next run is a"
          + " full sync. With --stream only that stream's bookmark is shown, set or cleared.",
      "set and clear take the pipeline's lock: they refuse (exit 3) while it runs."
    })
final class StateCommand implements Callable<Integer> {

  @ParentCommand Tapline tapline;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "show|set|clear", description = "What to do.")
  String action;

  @Parameters(index = "1", paramLabel = "NAME", description = "The pipeline.")
  String name;

  @Option(names = "--stream", paramLabel = "STREAM", description = "Only this stream's bookmark.")
  String stream;

  @Option(names = "--value", paramLabel = "JSON", description = "set: the new state (or bookmark) as JSON.")
  String value;

  @Option(names = "--file", paramLabel = "FILE", description = "set: a file holding the new state (- reads stdin).")
  String file;

  @Option(names = "--project", paramLabel = "FILE", description = "The project file (default: ./tapline.yml).")
  Path project;

  @Override
  public Integer call() throws IOException {
    if (!action.equals("show") && !action.equals("set") && !action.equals("clear")) {
      throw new ConfigurationException("Unknown state action \"" + action + "\": use show, set or clear.");
    }
    if (action.equals("set") == (value == null && file == null) || (value != null && file != null)) {
      throw new ConfigurationException(action.equals("set")
          ? "state set needs exactly one of --value JSON or --file FILE."
          : "--value and --file apply to state set only.");
    }
    Project loaded = Project.load(Project.locate(project, Path.of("").toAbsolutePath()));
    loaded.pipeline(name);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (StateBackend backend = StateBackends.open(loaded, tapline.environment())) {
      if (action.equals("show")) {
        Optional<JsonNode> state = backend.readState(name);
        if (stream != null) {
          Optional<ObjectNode> bookmark = state.flatMap(s -> State.bookmark(s, stream));
          out.println(bookmark.map(Json::writePretty).orElse("null"));
        } else {
          out.println(state.map(Json::writePretty).orElse("null"));
        }
        out.flush();
        return 0;
      }
      try (StateBackend.Lock lock = backend.lock(name)) {
        JsonNode current = backend.readState(name).orElse(null);
        if (action.equals("clear")) {
          if (stream == null) {
            backend.clearState(name);
            err.println("INFO  Cleared the state of " + name + ": its next run is a full sync.");
          } else {
            backend.writeState(name, State.withoutBookmark(current, stream));
            err.println("INFO  Cleared the bookmark of stream " + stream + " of " + name
                + "; the other streams keep theirs.");
          }
        } else {
          JsonNode given = readValue();
          if (stream == null) {
            backend.writeState(name, given);
          } else {
            if (!given.isObject()) {
              throw new ConfigurationException("A bookmark is a JSON object, e.g. {\"replication_key_value\": \"2024-01-01\"}.");
            }
            backend.writeState(name, State.withBookmark(current, stream, (ObjectNode) given));
          }
          err.println("INFO  Saved the new state of " + name + (stream == null ? "" : " (stream " + stream + ")") + ".");
        }
        err.flush();
        return 0;
      } catch (PipelineBusyException e) {
        err.println("ERROR " + e.getMessage());
        return PipelineBusyException.EXIT_CODE;
      }
    }
  }

  private JsonNode readValue() {
    String text;
    if (value != null) {
      text = value;
    } else if (file.equals("-")) {
      try {
        text = new String(tapline.standardInput().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    } else {
      return Json.read(Path.of(file));
    }
    try {
      return Json.mapper().readTree(text);
    } catch (IOException e) {
      throw new ConfigurationException("The new state is not valid JSON: " + e.getMessage());
    }
  }
}
