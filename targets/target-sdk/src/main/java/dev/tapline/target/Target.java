package dev.tapline.target;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import dev.tapline.spec.Log;
import dev.tapline.spec.MessageWriter;
import dev.tapline.spec.config.ConfigFiles;
import dev.tapline.spec.config.SettingsBinder;
import java.io.FileNotFoundException;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * A Singer target: reads Singer messages (stdin or {@code --input FILE}) and loads them through
 * {@link Sink}s it makes per stream. A target is a settings record, a sink, and a {@code main}:
 *
 * <pre>{@code
 * public final class JsonlTarget extends Target<JsonlTarget.Settings> {
 *   public record Settings(@Setting(defaultValue = "output") Path destinationPath) {}
 *   public JsonlTarget() { super("target-jsonl", Settings.class); }
 *   protected Sink sink(SinkContext<Settings> context) { return new JsonlSink(context); }
 *   public static void main(String[] args) { Target.main(new JsonlTarget(), args); }
 * }
 * }</pre>
 *
 * <p>The SDK gives every target the same command line ({@code --config FILE|ENV} repeatable,
 * {@code --input FILE}, {@code --about [--format json|markdown]}, {@code --version}), the SDK
 * settings of {@link TargetSettings}, record validation, metadata properties, flattening, batching
 * by rows, bytes and age, and the state rule. Exit codes: 0 done, 1 failed, 2 bad usage or
 * configuration.
 *
 * <h2>The state rule</h2>
 *
 * <p>A STATE is echoed on stdout only once every record received before it is committed. When any
 * stream's batch is full ({@code batch_size_rows}), or the records received since the last flush
 * reach {@code batch_size_bytes}, or the oldest uncommitted record is {@code
 * batch_max_age_seconds} old, <em>every</em> sink holding uncommitted records is committed and
 * then the latest STATE received is echoed. (Flushing all streams together is what
 * pipelinewise's {@code flush_all_streams} does; it keeps the rule correct for any state layout,
 * not only per-stream bookmarks, at the price of smaller batches for quiet streams.) Sinks are
 * also all committed before a schema change, before an ACTIVATE_VERSION, at the end of the input
 * and on SIGTERM. A STATE that arrives while nothing is uncommitted is echoed at once. An empty
 * state never replaces a non-empty one, a state equal to the last one echoed is not repeated, and
 * no state is made up: each one echoed is a value the tap sent, and the latest is echoed at the
 * end even when no record arrived. When the run fails, sinks are aborted and nothing more is
 * echoed.
 *
 * <h2>Errors</h2>
 *
 * <p>A malformed or truncated line, a RECORD before its stream's SCHEMA, a record without one of
 * its key properties, a record that does not match its schema (when {@code validate_records} is
 * on), a SCHEMA that is not an object schema or has no {@code properties}, and a BATCH message end
 * the run with exit code 1 and one {@code ERROR} line on stderr naming the input line.
 *
 * @param <S> the target's settings record
 */
public abstract class Target<S extends Record> {

  private static final long STOP_TIMEOUT_SECONDS = 300;

  private final String name;
  private final SettingsBinder<S> binder;
  private final SettingsBinder<TargetSettings> sdkBinder = SettingsBinder.of(TargetSettings.class);
  private volatile TargetRun<S> currentRun;
  private volatile boolean stopRequested;

  /**
   * @param name the executable's name, e.g. {@code target-jsonl}; also gives the environment
   *     prefix ({@code TARGET_JSONL_}) for {@code --config ENV}
   * @param settingsType the target's settings record
   */
  protected Target(String name, Class<S> settingsType) {
    this.name = name;
    this.binder = SettingsBinder.of(settingsType);
  }

  /**
   * Makes the sink of one stream. Called on the loading thread when a stream's first SCHEMA
   * arrives, and again when its schema or key properties change (the previous sink has then been
   * committed and closed).
   *
   * @param context the stream, its schema as the sink will receive records, and the settings
   * @return a new sink, never null
   */
  protected abstract Sink sink(SinkContext<S> context);

  /**
   * Whether this target's sinks take {@link FlatRecord}s ({@link Sink#write(FlatRecord)}): plain
   * records are then read without building trees, which saves most of the reading cost of a
   * target that loads values. Default false. Setting the system property {@code
   * tapline.flatRecords} to {@code false} turns it off for any target (to compare).
   */
  protected boolean acceptsFlatRecords() {
    return false;
  }

  /**
   * Whether this target's sinks use the exact JSON text of records (the {@code byte[]} of {@code
   * Sink.write(record, message, text)}); only then does the SDK copy it out of each line (a copy
   * per record that targets loading values, not text, do not need). Default false.
   */
  protected boolean usesRecordText() {
    return false;
  }

  /** One sentence on what the target loads, for {@code --about}. */
  protected String description() {
    return "";
  }

  /** The executable's name, e.g. {@code target-jsonl}. */
  public final String name() {
    return name;
  }

  /** The version from the jar manifest, or {@code dev} when run from classes. */
  public final String version() {
    String version = getClass().getPackage() == null ? null : getClass().getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  /**
   * Runs a target as a process: the only place that calls {@link System#exit}. On SIGTERM the run
   * stops reading, commits what it received, echoes the latest state and the process exits with 0.
   */
  public static void main(Target<?> target, String[] args) {
    if (args.length == 1 && args[0].equals("--version")) {
      // The answer cron jobs and CI ask most: given without building the command line.
      System.out.println(target.name() + " " + target.version());
      System.exit(0);
    }
    CountDownLatch finished = new CountDownLatch(1);
    AtomicInteger exitCode = new AtomicInteger(1);
    Thread stopper = new Thread(() -> {
      if (finished.getCount() == 0) {
        return;
      }
      target.requestStop();
      try {
        if (!finished.await(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          System.err.println("ERROR " + target.name() + " did not finish committing within "
              + STOP_TIMEOUT_SECONDS + " s of being asked to stop; uncommitted records are lost");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      System.out.flush();
      System.err.flush();
      Runtime.getRuntime().halt(exitCode.get());
    }, "tapline-stop");
    Runtime.getRuntime().addShutdownHook(stopper);
    int code = 1;
    try {
      code = target.execute(args);
    } finally {
      exitCode.set(code);
      finished.countDown();
    }
    System.exit(code);
  }

  /** Runs with the process's stdin, stdout, stderr and environment; returns the exit code. */
  public final int execute(String... args) {
    return execute(System.in, System.out, System.err, System.getenv(), args);
  }

  /**
   * Runs with the given streams and environment; returns the exit code (0 done, 1 failed, 2 bad
   * usage or configuration). Log lines and metrics go to {@code stderr} during the run.
   */
  public final int execute(
      InputStream stdin, OutputStream stdout, PrintStream stderr, Map<String, String> environment,
      String... args) {
    Log.redirect(stderr);
    try {
      return executeLogged(stdin, stdout, stderr, environment, args);
    } finally {
      Log.redirect(System.err);
    }
  }

  /**
   * Asks a run in progress (or the next one) to stop reading, commit what it has received, echo
   * the latest state and return 0. Safe from any thread; used by the SIGTERM hook.
   */
  public final void requestStop() {
    stopRequested = true;
    TargetRun<S> run = currentRun;
    if (run != null) {
      run.requestStop();
    }
  }

  private int executeLogged(
      InputStream stdin, OutputStream stdout, PrintStream stderr, Map<String, String> environment,
      String[] args) {
    boolean debug = "debug".equalsIgnoreCase(environment.getOrDefault("TAPLINE_LOG_LEVEL", ""));
    Options options = Options.plain(args);
    CommandLine commandLine = null;
    if (options == null) {
      options = new Options();
      commandLine = new CommandLine(options).setCommandName(name);
      try {
        commandLine.parseArgs(args);
      } catch (CommandLine.ParameterException e) {
        stderr.println("ERROR " + e.getMessage() + ". Run " + name + " --help for the options.");
        return 2;
      }
    }
    PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
    if (options.help) {
      commandLine.usage(out);
      return 0;
    }
    if (options.version) {
      out.println(name + " " + version());
      return 0;
    }
    if (options.about) {
      String format = options.format.toLowerCase(Locale.ROOT);
      if (!format.equals("json") && !format.equals("markdown")) {
        stderr.println("ERROR --format must be json or markdown, not '" + options.format + "'.");
        return 2;
      }
      out.println(format.equals("json") ? Json.writePretty(about()) : aboutMarkdown());
      return 0;
    }
    List<String> secrets = List.of();
    Log log = Log.named(name);
    long started = System.nanoTime();
    String status = "failed";
    TargetRun<S> run = null;
    try {
      ObjectNode config = readConfig(options.configs, environment);
      secrets = binder.secretValues(config);
      Bound<S> bound = bind(config);
      run = new TargetRun<>(this, bound.settings, bound.targetSettings, new MessageWriter(stdout), log);
      currentRun = run;
      if (stopRequested) {
        run.requestStop();
      }
      try (InputStream input = options.input == null ? nonClosing(stdin) : new FileInputStream(options.input)) {
        run.run(input);
      }
      status = "succeeded";
      return 0;
    } catch (ConfigurationException e) {
      report(stderr, e, secrets, debug);
      return 2;
    } catch (FileNotFoundException e) {
      stderr.println("ERROR Cannot read the input file " + options.input + ": " + e.getMessage()
          + ". Check the --input path.");
      return 2;
    } catch (Exception | LinkageError | AssertionError e) {
      report(stderr, e, secrets, debug);
      return 1;
    } finally {
      currentRun = null;
      if (run != null) {
        for (Map.Entry<String, Long> count : run.recordCounts().entrySet()) {
          ObjectNode metric = metric("counter", "record_count", count.getValue());
          metric.withObjectProperty("tags").put("stream", count.getKey());
          log.metric(Json.write(metric));
        }
        ObjectNode timer = metric("timer", "job_duration", TargetRun.secondsSince(started));
        timer.withObjectProperty("tags").put("status", status);
        log.metric(Json.write(timer));
      }
    }
  }

  private static ObjectNode metric(String type, String metric, Number value) {
    ObjectNode node = Json.object();
    node.put("type", type);
    node.put("metric", metric);
    if (value instanceof Long l) {
      node.put("value", l);
    } else {
      node.put("value", (java.math.BigDecimal) value);
    }
    node.putObject("tags");
    return node;
  }

  private static InputStream nonClosing(InputStream in) {
    return new java.io.FilterInputStream(in) {
      @Override
      public void close() {}
    };
  }

  private static void report(PrintStream stderr, Throwable e, List<String> secrets, boolean debug) {
    String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
    if (e instanceof UncheckedIOException && e.getCause() != null && message.equals(e.getCause().toString())) {
      message = e.getCause().getMessage();
    }
    if (!(e instanceof dev.tapline.spec.TaplineException) && !(e instanceof UncheckedIOException)) {
      message = e.getClass().getSimpleName() + ": " + message;
    }
    for (String secret : secrets) {
      message = message.replace(secret, "********");
    }
    stderr.println("ERROR " + message);
    if (debug) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      String text = trace.toString();
      for (String secret : secrets) {
        text = text.replace(secret, "********");
      }
      stderr.print(text);
    }
  }

  private ObjectNode readConfig(List<String> sources, Map<String, String> environment) {
    String prefix = name.toUpperCase(Locale.ROOT).replace('-', '_');
    ObjectNode merged = Json.object();
    for (String source : sources) {
      if (ConfigFiles.ENVIRONMENT.equals(source)) {
        merged.setAll(binder.fromEnvironment(prefix, environment));
        merged.setAll(sdkBinder.fromEnvironment(prefix, environment));
      } else {
        merged.setAll(ConfigFiles.merge(List.of(source), binder, prefix, environment));
      }
    }
    return merged;
  }

  private record Bound<S extends Record>(S settings, TargetSettings targetSettings) {}

  /**
   * Defaults of this target that differ from the SDK's (e.g. a larger {@code batch_size_rows} for a
   * database that likes big batches): setting name to value, used where the config leaves the
   * setting out. Called once per run. By default none.
   */
  protected ObjectNode settingDefaults() {
    return Json.object();
  }

  private Bound<S> bind(ObjectNode config) {
    ObjectNode defaults = settingDefaults();
    if (!defaults.isEmpty()) {
      ObjectNode withDefaults = defaults.deepCopy();
      withDefaults.setAll(config);
      config = withDefaults;
    }
    List<String> problems = new ArrayList<>();
    java.util.Set<String> known = new java.util.LinkedHashSet<>(binder.keys());
    known.addAll(sdkBinder.keys());
    List<String> unknown = new ArrayList<>();
    config.fieldNames().forEachRemaining(key -> {
      if (!known.contains(key)) {
        unknown.add(key);
      }
    });
    for (String key : unknown) {
      String suggestion = closest(key, known);
      problems.add("unknown setting '" + key + "'" + (suggestion == null ? "" : " (did you mean '" + suggestion + "'?)")
          + "; known settings: " + String.join(", ", known));
    }
    S settings = null;
    TargetSettings targetSettings = null;
    java.util.Set<String> notTarget = new java.util.HashSet<>(sdkBinder.keys());
    notTarget.addAll(unknown);
    java.util.Set<String> notSdk = new java.util.HashSet<>(binder.keys());
    notSdk.addAll(unknown);
    try {
      settings = binder.bind(config, notTarget);
    } catch (ConfigurationException e) {
      problems.addAll(e.problems());
    }
    try {
      targetSettings = sdkBinder.bind(config, notSdk);
    } catch (ConfigurationException e) {
      problems.addAll(e.problems());
    }
    if (targetSettings != null) {
      if (targetSettings.batchSizeRows() < 1) {
        problems.add("batch_size_rows must be at least 1, not " + targetSettings.batchSizeRows());
      }
      if (targetSettings.batchSizeBytes() < 1) {
        problems.add("batch_size_bytes must be at least 1, not " + targetSettings.batchSizeBytes());
      }
      if (targetSettings.batchMaxAgeSeconds() < 0) {
        problems.add("batch_max_age_seconds must be 0 (no limit) or more, not " + targetSettings.batchMaxAgeSeconds());
      }
      if (targetSettings.flatteningMaxDepth() < 0) {
        problems.add("flattening_max_depth must be 0 or more, not " + targetSettings.flatteningMaxDepth());
      }
    }
    if (settings != null) {
      checkSettings(settings, problems);
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException("The config of " + name + " has " + problems.size()
          + (problems.size() == 1 ? " problem" : " problems"), problems);
    }
    return new Bound<>(settings, targetSettings);
  }

  /**
   * Checks the target's own settings beyond their types (ranges, combinations) before any input is
   * read: adds one line per problem, naming the setting, to {@code problems}; they are reported
   * together with every other problem of the config (exit code 2). Called once per run, on the
   * calling thread. By default there is nothing more to check.
   */
  protected void checkSettings(S settings, List<String> problems) {
  }

  /** The known key closest to a mistyped one, or null when none is close. */
  private static String closest(String key, java.util.Collection<String> known) {
    String best = null;
    int bestDistance = Math.max(2, key.length() / 3) + 1;
    for (String candidate : known) {
      int distance = editDistance(key, candidate);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best;
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  /** What {@code --about --format json} prints: name, version, description and settings. */
  public final ObjectNode about() {
    ObjectNode about = Json.object();
    about.put("name", name);
    about.put("version", version());
    about.put("description", description());
    ArrayNode capabilities = about.putArray("capabilities");
    capabilities.add("about").add("validate-records").add("record-flattening");
    ObjectNode settings = binder.jsonSchema();
    ObjectNode properties = settings.withObjectProperty("properties");
    sdkBinder.jsonSchema().get("properties").properties().forEach(p -> properties.set(p.getKey(), p.getValue()));
    settingDefaults().properties().forEach(d -> {
      if (properties.get(d.getKey()) instanceof ObjectNode property) {
        property.set("default", d.getValue());
      }
    });
    about.set("settings", settings);
    return about;
  }

  private String aboutMarkdown() {
    ObjectNode about = about();
    StringBuilder text = new StringBuilder();
    text.append("# ").append(name).append(' ').append(version()).append("\n\n");
    if (!description().isEmpty()) {
      text.append(description()).append("\n\n");
    }
    text.append("## Settings\n\n| Setting | Type | Required | Default | Description |\n|---|---|---|---|---|\n");
    JsonNode settings = about.get("settings");
    List<String> required = new ArrayList<>();
    settings.path("required").forEach(r -> required.add(r.asText()));
    settings.get("properties").properties().forEach(property -> {
      JsonNode value = property.getValue();
      text.append("| `").append(property.getKey()).append("` | ")
          .append(value.path("type").asText("")).append(" | ")
          .append(required.contains(property.getKey()) ? "yes" : "no").append(" | ")
          .append(value.has("default") ? "`" + Json.write(value.get("default")) + "`" : "").append(" | ")
          .append(value.path("description").asText("").replace("|", "\\|")).append(" |\n");
    });
    text.append("\nSettings are read from `--config` files (later files win) and, with `--config ENV`, from `")
        .append(name.toUpperCase(Locale.ROOT).replace('-', '_')).append("_<SETTING>` environment variables.\n");
    return text.toString();
  }

  @CommandLine.Command(mixinStandardHelpOptions = false, description = "Loads Singer messages read from stdin.")
  static final class Options {
    @Option(names = "--config", paramLabel = "FILE|ENV",
        description = "A JSON config file, or ENV for environment variables; repeatable, later ones win")
    List<String> configs = new ArrayList<>();

    @Option(names = "--input", paramLabel = "FILE", description = "Read messages from FILE instead of stdin")
    String input;

    @Option(names = "--about", description = "Print the target's settings and capabilities")
    boolean about;

    @Option(names = "--format", paramLabel = "json|markdown", description = "The --about format (default json)")
    String format = "json";

    @Option(names = "--version", description = "Print the version")
    boolean version;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print this help")
    boolean help;

    /**
     * The options of the command line every pipeline runs, {@code --config FILE|ENV} (repeated)
     * and at most one {@code --input FILE}, read without picocli, whose start-up (reflection on
     * these annotations) costs ~0.1 s; null for any other command line, which picocli reads.
     */
    static Options plain(String[] args) {
      Options options = new Options();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.startsWith("@") || (i + 1 < args.length && args[i + 1].startsWith("@"))) {
          return null; // picocli reads @FILE as a file of arguments
        }
        String name = arg;
        String value;
        int equals = arg.indexOf('=');
        if (arg.startsWith("--") && equals > 0) {
          name = arg.substring(0, equals);
          value = arg.substring(equals + 1);
        } else if (i + 1 < args.length && !args[i + 1].startsWith("-")) {
          value = args[++i];
        } else {
          return null;
        }
        if (value.isEmpty()) {
          return null;
        }
        if (name.equals("--config")) {
          options.configs.add(value);
        } else if (name.equals("--input") && options.input == null) {
          options.input = value;
        } else {
          return null;
        }
      }
      return options;
    }
  }
}
