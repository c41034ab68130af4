package dev.tapline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code tapline runs [NAME] [--json]}: the run history, newest first. */
@Command(
    name = "runs",
    mixinStandardHelpOptions = true,
    versionProvider = Tapline.ManifestVersion.class,
    description = "Shows the run history of a pipeline (or of all), newest first: a table, or with"
        + " --json every saved field (exit codes, records and bytes per stream, states before and"
        + " after, error).")
final class RunsCommand implements Callable<Integer> {

  @ParentCommand Tapline tapline;

  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Only this pipeline's runs.")
  String name;

  @Option(names = "--json", description = "Print the runs as a JSON array.")
  boolean json;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "At most N runs (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--project", paramLabel = "FILE", description = "The project file (default: ./tapline.yml).")
  Path project;

  @Override
  public Integer call() {
    if (limit < 1) {
      throw new ConfigurationException("--limit must be at least 1.");
    }
    Project loaded = Project.load(Project.locate(project, Path.of("").toAbsolutePath()));
    if (name != null) {
      loaded.pipeline(name);
    }
    PrintWriter out = spec.commandLine().getOut();
    try (StateBackend backend = StateBackends.open(loaded, tapline.environment())) {
      List<ObjectNode> runs = backend.runs(name, limit);
      if (json) {
        ArrayNode array = Json.array();
        runs.forEach(array::add);
        out.println(Json.writePretty(array));
      } else {
        String format = "%-24s %-20s %3s %-12s %9s  %-28s %s";
        out.println(String.format(Locale.ROOT, format, "STARTED", "PIPELINE", "TRY", "STATUS", "SECONDS", "RECORDS", "ERROR"));
        for (ObjectNode run : runs) {
          out.println(String.format(Locale.ROOT, format, run.path("started_at").asText(), run.path("pipeline").asText(),
              run.path("attempt").asText(), run.path("status").asText(), run.path("duration_seconds").asText(""),
              counts(run.path("records")), run.path("error").isTextual() ? abbreviate(run.path("error").asText()) : ""));
        }
      }
      out.flush();
    }
    return 0;
  }

  private static String counts(JsonNode records) {
    StringJoiner joined = new StringJoiner(", ");
    records.fields().forEachRemaining(entry -> joined.add(entry.getKey() + " " + entry.getValue().asText()));
    return joined.toString();
  }

  private static String abbreviate(String text) {
    return text.length() > 160 ? text.substring(0, 160) + "..." : text;
  }
}
