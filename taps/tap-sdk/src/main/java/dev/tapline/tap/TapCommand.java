package dev.tapline.tap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Catalog;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import dev.tapline.spec.Log;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The standard command line of a tap. One instance per {@link Tap#execute} call. */
@Command(sortOptions = false, usageHelpAutoWidth = true)
final class TapCommand implements Callable<Integer> {

  enum AboutFormat { JSON, MARKDOWN }

  @Option(names = "--config", paramLabel = "FILE|ENV",
      description = "Settings file (repeatable, later files win); ENV reads <TAP_NAME>_<SETTING> environment variables.")
  List<String> configs = new ArrayList<>();

  @Option(names = "--state", paramLabel = "FILE", description = "State of an earlier run: bookmarks to resume from.")
  Path statePath;

  @Option(names = {"--catalog", "--properties"}, paramLabel = "FILE",
      description = "Catalog choosing streams, properties and replication (from --discover, edited).")
  Path catalogPath;

  @Option(names = "--discover", description = "Write the catalog of the available streams to stdout.")
  boolean discover;

  @Option(names = "--about", description = "Describe the tap and its settings.")
  boolean about;

  @Option(names = "--format", paramLabel = "json|markdown", defaultValue = "json",
      description = "Format of --about: json (default) or markdown.")
  AboutFormat format;

  @Option(names = "--test", description = "Read one record of each stream, then stop.")
  boolean test;

  @Option(names = {"-V", "--version"}, versionHelp = true, description = "Print the version.")
  boolean version;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
  boolean help;

  private final Tap<?> tap;
  private final Invocation invocation;
  private final PrintStream errors;
  private final RedactingOutputStream redacting;
  private final Log log;

  TapCommand(Tap<?> tap, Invocation invocation, PrintStream errors, RedactingOutputStream redacting) {
    this.tap = tap;
    this.invocation = invocation;
    this.errors = errors;
    this.redacting = redacting;
    this.log = Log.named(tap.name());
  }

  int run(String[] args) {
    CommandLine commandLine = new CommandLine(this)
        .setCommandName(tap.name())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setOut(new PrintWriter(new java.io.OutputStreamWriter(invocation.stdout(), StandardCharsets.UTF_8), true))
        .setErr(new PrintWriter(errors, true));
    commandLine.getCommandSpec().version(tap.name() + " " + tap.version());
    commandLine.getCommandSpec().usageMessage().description(tap.description());
    commandLine.setParameterExceptionHandler((problem, args2) -> {
      errors.println("ERROR " + problem.getMessage() + ". Run " + tap.name() + " --help for the options.");
      return 2;
    });
    commandLine.setExecutionExceptionHandler((problem, line, parseResult) -> fail(problem));
    return commandLine.execute(args);
  }

  @Override
  public Integer call() {
    if (about) {
      writeAbout();
      return 0;
    }
    long started = System.nanoTime();
    ObjectNode config = tap.readConfig(configs, invocation.environment());
    redacting.addSecrets(binderSecrets(config));
    return runWith(config, started);
  }

  private List<String> binderSecrets(ObjectNode config) {
    return tap.binder().secretValues(config);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private int runWith(ObjectNode config, long started) {
    Tap raw = tap;
    Tap.Bound<?> bound = raw.bind(config);
    List<TapStream> streams = raw.streamsOf((Record) bound.settings());
    try {
      return runStreams(raw, bound, streams, started);
    } finally {
      close(streams);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private int runStreams(Tap raw, Tap.Bound<?> bound, List<TapStream> streams, long started) {
    if (discover) {
      Catalog catalog = Discovery.catalog(streams);
      writeText(Json.writePretty(catalog.toJson()) + "\n");
      return 0;
    }
    Catalog catalog = catalogPath == null ? null : Catalog.read(catalogPath);
    JsonNode state = statePath == null ? Json.object() : readState(statePath);
    JsonNode startDate = raw.startDate((Record) bound.settings());
    String status = "failed";
    try (MessageOutput output = new MessageOutput(invocation.stdout())) {
      Record settings = (Record) bound.settings();
      new Sync(settings, bound.sync(), streams, catalog, state, startDate, output, test, log)
          .run(selected -> raw.beforeSync(settings, selected));
      status = "succeeded";
    } finally {
      ObjectNode metric = Json.object();
      metric.put("type", "timer");
      metric.put("metric", "job_duration");
      metric.put("value", (System.nanoTime() - started) / 1e9);
      metric.putObject("tags").put("status", status);
      log.metric(Json.write(metric));
    }
    return 0;
  }

  /** Closes the streams that hold resources (see {@link TapStream}), each once; never throws. */
  private void close(List<TapStream> streams) {
    java.util.Set<TapStream> closed = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (TapStream stream : streams) {
      if (stream instanceof AutoCloseable closeable && closed.add(stream)) {
        try {
          closeable.close();
        } catch (Exception e) {
          log.warn("A stream (" + stream.getClass().getSimpleName() + ") did not close cleanly: "
              + Sync.describe(e));
        }
      }
    }
  }

  /** A state file holds the state value, or a STATE message, or (from a target's log) its last line. */
  private static JsonNode readState(Path path) {
    JsonNode node = Json.read(path);
    if (node == null || node.isMissingNode() || node.isNull()) {
      return Json.object();
    }
    if (node.isObject() && "STATE".equalsIgnoreCase(node.path("type").asText()) && node.has("value")) {
      node = node.get("value");
    }
    if (!node.isObject()) {
      throw new ConfigurationException("State file " + path + " must hold a JSON object such as"
          + " {\"bookmarks\": {...}}, not " + node.getNodeType() + ".");
    }
    return node;
  }

  private void writeAbout() {
    ObjectNode about = tap.about();
    if (format == AboutFormat.JSON) {
      writeText(Json.writePretty(about) + "\n");
      return;
    }
    StringBuilder text = new StringBuilder();
    text.append("# ").append(about.get("name").asText()).append("\n\n");
    if (!about.get("description").asText().isEmpty()) {
      text.append(about.get("description").asText()).append("\n\n");
    }
    text.append("Version: ").append(about.get("version").asText()).append("\n\n");
    text.append("## Capabilities\n\n");
    about.get("capabilities").forEach(c -> text.append("- `").append(c.asText()).append("`\n"));
    text.append("\n## Settings\n\n");
    text.append("| Setting | Type | Required | Default | Description |\n");
    text.append("|---|---|---|---|---|\n");
    JsonNode settings = about.get("settings");
    List<String> required = new ArrayList<>();
    settings.path("required").forEach(r -> required.add(r.asText()));
    Iterator<Map.Entry<String, JsonNode>> fields = settings.get("properties").fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode property = field.getValue();
      String description = property.path("description").asText("");
      if (property.path("secret").asBoolean(false)) {
        description = (description.isEmpty() ? "" : description + " ") + "(secret)";
      }
      text.append("| `").append(field.getKey()).append("` | ")
          .append(property.path("type").asText("")).append(" | ")
          .append(required.contains(field.getKey()) ? "yes" : "no").append(" | ")
          .append(property.has("default") ? "`" + Json.write(property.get("default")) + "`" : "")
          .append(" | ").append(description.replace("|", "\\|")).append(" |\n");
    }
    text.append("\nSettings can also be given as environment variables with `--config ENV`: `")
        .append(tap.environmentPrefix()).append("_<SETTING>` in upper case.\n");
    writeText(text.toString());
  }

  private void writeText(String text) {
    try {
      OutputStream out = invocation.stdout();
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot write to stdout: " + e.getMessage(), e);
    }
  }

  private int fail(Throwable problem) {
    Throwable cause = problem;
    if (cause instanceof CommandLine.ExecutionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String level = invocation.environment().getOrDefault("TAPLINE_LOG_LEVEL", "");
    boolean debug = level.trim().toLowerCase(Locale.ROOT).equals("debug");
    int code = cause instanceof ConfigurationException ? 2 : 1;
    errors.println("ERROR " + Sync.describe(cause));
    if (debug) {
      cause.printStackTrace(errors);
    }
    errors.flush();
    return code;
  }
}
