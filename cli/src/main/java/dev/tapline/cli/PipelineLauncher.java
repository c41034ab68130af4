package dev.tapline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Catalog;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import dev.tapline.spec.TaplineException;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the pipelines of a project: one pipeline at a time per call of {@link #run}, which may be
 * called from several threads at once (the pool of {@code run --all --parallel N}).
 *
 * <p>A run takes the pipeline's lock in the state backend (or is skipped), then makes up to {@code
 * 1 + retries} attempts. Each attempt resolves the plugins' configs into private temporary files,
 * reads the last committed state, discovers and selects the tap's catalog when the project selects
 * streams, runs tap, mappers and target, merges the states the target echoes into the saved state,
 * and saves a row of run history when it starts and when it ends. After the last attempt the
 * pipeline's notifications are sent.
 */
final class PipelineLauncher {

  /** What a pipeline's run came to, for the summary table. */
  record Result(String pipeline, String status, int exitCode, int attempts, double seconds, long records, String error) {}

  private static final Duration MAXIMUM_BACKOFF = Duration.ofMinutes(10);

  private final Project project;
  private final StateBackend backend;
  private final Map<String, String> environment;
  private final PrintWriter err;
  private final Notifier notifier;
  private final Map<String, PipelineRun> running = new ConcurrentHashMap<>();

  PipelineLauncher(Project project, StateBackend backend, Map<String, String> environment, PrintWriter err, Notifier notifier) {
    this.project = project;
    this.backend = backend;
    this.environment = environment;
    this.err = err;
    this.notifier = notifier;
  }

  /** The runs going on now, by pipeline, for progress reports. */
  Map<String, PipelineRun> running() {
    return running;
  }

  /**
   * Checks that every variable the pipeline's plugins and notifications use is set.
   *
   * @throws ConfigurationException naming each missing one
   */
  void check(Project.Pipeline pipeline) {
    Interpolation interpolation = new Interpolation(environment);
    resolvePlugins(pipeline, interpolation);
    resolveNotifications(pipeline, interpolation);
    interpolation.check(project.file());
  }

  /** One run of the pipeline: lock, attempts, history, notifications. Never throws for a failed run. */
  Result run(Project.Pipeline pipeline) {
    long start = System.nanoTime();
    try (StateBackend.Lock lock = backend.lock(pipeline.name())) {
      backend.markInterrupted(pipeline.name());
      ObjectNode last = null;
      int attempt = 0;
      while (true) {
        attempt++;
        last = attemptSaved(pipeline, attempt);
        int code = last.path("exit_code").asInt();
        boolean retriable = code == 1 && !last.path("stopped").asBoolean();
        if (code == 0 || !retriable || attempt > pipeline.retries()) {
          break;
        }
        Duration backoff = backoff(pipeline, attempt);
        err.println("WARN  [" + pipeline.name() + "] Attempt " + attempt + " of " + (pipeline.retries() + 1)
            + " failed; retrying in " + backoff.toMillis() / 1000.0 + " s from the last committed state.");
        err.flush();
        try {
          Thread.sleep(backoff.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      boolean success = last.path("exit_code").asInt() == 0;
      notify(pipeline, last, attempt, success);
      long records = 0;
      for (JsonNode count : last.path("records")) {
        records += count.asLong();
      }
      return new Result(pipeline.name(), last.path("status").asText(), last.path("exit_code").asInt(), attempt,
          seconds(start), records, last.path("error").isTextual() ? last.path("error").asText() : null);
    } catch (PipelineBusyException e) {
      err.println("ERROR [" + pipeline.name() + "] " + e.getMessage());
      err.flush();
      return new Result(pipeline.name(), "skipped", PipelineBusyException.EXIT_CODE, 0, seconds(start), 0, e.getMessage());
    } catch (TaplineException | UncheckedIOException e) {
      err.println("ERROR [" + pipeline.name() + "] " + e.getMessage());
      err.flush();
      int code = e instanceof ConfigurationException ? 2 : 1;
      return new Result(pipeline.name(), "failed", code, 0, seconds(start), 0, e.getMessage());
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  static Duration backoff(Project.Pipeline pipeline, int attempt) {
    double seconds = pipeline.retryBackoffSeconds() * Math.pow(2, attempt - 1);
    Duration backoff = Duration.ofMillis((long) (seconds * 1000));
    return backoff.compareTo(MAXIMUM_BACKOFF) > 0 ? MAXIMUM_BACKOFF : backoff;
  }

  private void notify(Project.Pipeline pipeline, ObjectNode last, int attempts, boolean success) {
    if (pipeline.notifications().isEmpty()) {
      return;
    }
    Interpolation interpolation = new Interpolation(environment);
    List<Project.Notification> notifications = resolveNotifications(pipeline, interpolation);
    ObjectNode summary = Json.object();
    summary.put("pipeline", pipeline.name());
    summary.put("status", last.path("status").asText());
    summary.put("run_id", last.path("run_id").asText());
    summary.put("attempts", attempts);
    summary.set("started_at", last.path("started_at"));
    summary.set("ended_at", last.path("ended_at"));
    summary.set("duration_seconds", last.path("duration_seconds"));
    summary.set("exit_codes", last.path("exit_codes"));
    summary.set("records", last.path("records"));
    summary.set("error", last.path("error"));
    summary.put("host", Holder.host());
    summary.put("project", project.file().toString());
    Redactor redactor = secrets(pipeline);
    ObjectNode redacted = (ObjectNode) Json.parse(redactor.redact(Json.write(summary)));
    notifier.send(pipeline.name(), notifications, redacted, success, redactor);
  }

  /** Every secret the pipeline's plugins and notifications take from the environment. */
  Redactor secrets(Project.Pipeline pipeline) {
    Interpolation interpolation = new Interpolation(environment);
    resolvePlugins(pipeline, interpolation);
    resolveNotifications(pipeline, interpolation);
    return interpolation.redactor();
  }

  /**
   * An attempt whose history row is saved even when a stop signal ends the JVM during it: a
   * shutdown hook holds the JVM until the row is written (the run's own hook stops the processes).
   */
  private ObjectNode attemptSaved(Project.Pipeline pipeline, int attempt) {
    java.util.concurrent.CountDownLatch saved = new java.util.concurrent.CountDownLatch(1);
    long waitSeconds = pipeline.stopTimeoutSeconds() * 2 + 30;
    Thread hook = new Thread(() -> {
      try {
        saved.await(waitSeconds, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "tapline-history-" + pipeline.name());
    boolean registered;
    try {
      Runtime.getRuntime().addShutdownHook(hook);
      registered = true;
    } catch (IllegalStateException shuttingDown) {
      registered = false;
    }
    try {
      return attempt(pipeline, attempt);
    } finally {
      saved.countDown();
      if (registered) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running and has just been released
        }
      }
    }
  }

  private ObjectNode attempt(Project.Pipeline pipeline, int attempt) {
    Instant started = Instant.now();
    long startNanos = System.nanoTime();
    String name = pipeline.name();
    JsonNode before;
    ObjectNode row = Json.object();
    row.put("run_id", UUID.randomUUID().toString());
    row.put("pipeline", name);
    row.put("attempt", attempt);
    row.put("started_at", started.truncatedTo(ChronoUnit.MILLIS).toString());
    row.put("status", "running");
    row.put("host", Holder.host());
    row.put("pid", ProcessHandle.current().pid());
    Redactor redactor = Redactor.NONE;
    PipelineRun.Outcome outcome = null;
    String error = null;
    int code;
    Path temporary = null;
    try {
      before = backend.readState(name).orElse(null);
      row.set("state_before", before);
      backend.saveRun(row);
      Interpolation interpolation = new Interpolation(environment);
      List<ResolvedPlugin> plugins = resolvePlugins(pipeline, interpolation);
      interpolation.check(project.file());
      redactor = interpolation.redactor();
      temporary = privateFolder();
      Map<Integer, MapperArchive.Use> archives = new java.util.HashMap<>();
      List<PipelineRun.Side> sides = sides(pipeline, plugins, temporary, redactor, archives);
      Path tapState = null;
      if (before != null) {
        tapState = privateFile(temporary, "state.json", Json.write(before));
      }
      PipelineRun run = new PipelineRun(sides, backend.sink(name), before, tapState, true, err,
          Duration.ofSeconds(pipeline.stopTimeoutSeconds()), name, redactor);
      running.put(name, run);
      try {
        outcome = run.execute();
      } finally {
        running.remove(name);
        List<Process> processes = run.processes();
        archives.forEach((index, use) -> use.finish(index < processes.size() && !processes.get(index).isAlive()
            ? processes.get(index).exitValue() : -1));
      }
      code = outcome.exitCode();
      error = outcome.error();
    } catch (ConfigurationException e) {
      code = 2;
      error = redactor.redact(e.getMessage());
      err.println("ERROR [" + name + "] " + error);
    } catch (TaplineException | UncheckedIOException e) {
      code = 1;
      error = redactor.redact(e.getMessage());
      err.println("ERROR [" + name + "] " + error);
    } catch (IllegalStateException e) {
      if (!"Shutdown in progress".equals(e.getMessage())) {
        throw e;
      }
      // the JVM is shutting down (SIGTERM, SIGINT) before this attempt could start
      code = 1;
      error = "The run was not started: tapline is stopping.";
      outcome = null;
      row.put("stopped", true);
    } finally {
      deleteQuietly(temporary);
      err.flush();
    }
    row.put("ended_at", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
    row.put("duration_seconds", Math.round(seconds(startNanos) * 1000) / 1000.0);
    boolean stopped = outcome != null ? outcome.stopped() : row.path("stopped").asBoolean();
    row.put("status", code == 0 ? "succeeded" : stopped ? "stopped" : "failed");
    row.put("exit_code", code);
    row.put("stopped", stopped);
    ObjectNode exitCodes = row.putObject("exit_codes");
    ObjectNode records = row.putObject("records");
    ObjectNode bytes = row.putObject("bytes");
    if (outcome != null) {
      outcome.exitCodes().forEach(exitCodes::put);
      outcome.records().forEach(records::put);
      outcome.bytes().forEach(bytes::put);
      row.put("states_received", outcome.statesReceived());
      row.put("states_written", outcome.statesWritten());
    }
    try {
      row.set("state_after", backend.readState(name).orElse(null));
    } catch (RuntimeException e) {
      row.putNull("state_after");
    }
    if (error == null) {
      row.putNull("error");
    } else {
      row.put("error", redactor.redact(error));
    }
    backend.saveRun(row);
    return row;
  }

  /** A plugin with its config resolved from the environment. */
  record ResolvedPlugin(Project.Plugin plugin, JsonNode config, List<String> args) {}

  private List<ResolvedPlugin> resolvePlugins(Project.Pipeline pipeline, Interpolation interpolation) {
    List<ResolvedPlugin> plugins = new ArrayList<>();
    List<Project.Plugin> declared = new ArrayList<>();
    declared.add(project.taps().get(pipeline.tap()));
    pipeline.mappers().forEach(mapper -> declared.add(project.mappers().get(mapper)));
    declared.add(project.targets().get(pipeline.target()));
    for (Project.Plugin plugin : declared) {
      String path = plugin.kind().section + "." + plugin.name();
      plugins.add(new ResolvedPlugin(plugin,
          interpolation.resolve(plugin.config(), path + ".config"),
          interpolation.resolveAll(plugin.args(), path + ".args")));
    }
    return plugins;
  }

  private List<Project.Notification> resolveNotifications(Project.Pipeline pipeline, Interpolation interpolation) {
    List<Project.Notification> resolved = new ArrayList<>();
    String path = "pipelines." + pipeline.name() + ".notify";
    for (Project.Notification notification : pipeline.notifications()) {
      Map<String, String> headers = new java.util.LinkedHashMap<>();
      notification.headers().forEach((key, value) -> headers.put(key, interpolation.resolve(value, path + ".headers." + key)));
      List<String> command = new ArrayList<>(interpolation.resolveAll(notification.command(), path + ".command"));
      if (!command.isEmpty() && command.get(0).contains("/") && !Path.of(command.get(0)).isAbsolute()) {
        // like a plugin's executable, a relative path is relative to the project file
        command.set(0, project.folder().resolve(command.get(0)).normalize().toString());
      }
      resolved.add(new Project.Notification(notification.on(),
          interpolation.resolve(notification.webhook(), path + ".webhook"), headers, command, notification.retries()));
    }
    return resolved;
  }

  /**
   * The processes of the pipeline, in order.
   *
   * @param archives receives, by position, how each built-in mapper uses its class-data-sharing
   *     archive, to be finished once the run has ended
   */
  private List<PipelineRun.Side> sides(Project.Pipeline pipeline, List<ResolvedPlugin> plugins, Path temporary,
      Redactor redactor, Map<Integer, MapperArchive.Use> archives) {
    List<PipelineRun.Side> sides = new ArrayList<>();
    for (int index = 0; index < plugins.size(); index++) {
      ResolvedPlugin resolved = plugins.get(index);
      Project.Plugin plugin = resolved.plugin();
      Path config = privateFile(temporary, index + "-" + plugin.name() + ".json", Json.write(resolved.config()));
      List<String> command = new ArrayList<>();
      String role = plugin.kind().name().toLowerCase();
      if (plugin.executable() == null) {
        List<String> jvm = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
        MapperArchive.Use archive = mapperArchive(jvm, System.getProperty("java.class.path"));
        if (archive.dump() != null) {
          archives.put(index, archive);
        }
        command.addAll(selfCommand(jvm, archive));
        command.add("map");
      } else {
        command.add(executable(plugin, role).toString());
      }
      if (plugin.kind() == Project.Kind.MAPPER) {
        // a mapper's arguments come first, so that a subcommand fits: tapline map --config ...
        command.addAll(resolved.args());
      }
      command.add("--config");
      command.add(config.toString());
      if (plugin.kind() == Project.Kind.TAP) {
        Optional<Path> catalog = catalog(pipeline, plugin, command, temporary, redactor);
        catalog.ifPresent(file -> {
          command.add("--catalog");
          command.add(file.toString());
        });
      }
      if (plugin.kind() != Project.Kind.MAPPER) {
        command.addAll(resolved.args());
      }
      sides.add(new PipelineRun.Side(role, plugin.name(), command));
    }
    return sides;
  }

  private Path executable(Project.Plugin plugin, String role) {
    String given = plugin.executable();
    if (given.contains("/") && !Path.of(given).isAbsolute()) {
      given = project.folder().resolve(given).toString();
    }
    return Executables.resolve(role + " " + plugin.name(), given, environment);
  }

  /**
   * {@code tapline} itself, started the way this JVM was: for mappers without an executable. The
   * launcher's class-data-sharing archive, logging and collector options are passed on (the class
   * path is the same, so the archive fits); agents and debuggers are not.
   */
  static List<String> selfCommand(List<String> jvmOptions, MapperArchive.Use archive) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    boolean collector = false;
    boolean heap = false;
    for (String option : jvmOptions) {
      if (option.startsWith("-XX:SharedArchiveFile=")) {
        command.addAll(archive.options());
        continue;
      }
      if (option.startsWith("-Xshare:") || option.startsWith("-Xlog:")
          || option.equals("-XX:+DisplayVMOutputToStderr") || option.startsWith("-Xmx")
          || (option.startsWith("-XX:+Use") && option.endsWith("GC"))) {
        command.add(option);
        collector |= option.endsWith("GC");
        heap |= option.startsWith("-Xmx");
      }
    }
    if (!collector) {
      command.add("-XX:+UseSerialGC");
    }
    if (!heap) {
      // the mapper streams: a bounded heap keeps the collector from letting it grow for nothing
      command.add("-Xmx256m");
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Tapline.class.getName());
    return command;
  }

  /**
   * How a built-in mapper started by this JVM uses class-data sharing: the mapper's own archive
   * when this JVM runs with the launcher's (see {@link MapperArchive}), else as this JVM does.
   */
  static MapperArchive.Use mapperArchive(List<String> jvmOptions, String classPath) {
    String archive = null;
    for (String option : jvmOptions) {
      if (option.startsWith("-XX:SharedArchiveFile=")) {
        archive = option.substring("-XX:SharedArchiveFile=".length());
      } else if (option.equals("-Xshare:off")) {
        return new MapperArchive.Use(List.of(), null, null);
      }
    }
    if (archive == null || archive.isEmpty() || archive.contains(File.pathSeparator)) {
      return new MapperArchive.Use(archive == null ? List.of() : List.of("-XX:SharedArchiveFile=" + archive), null, null);
    }
    return MapperArchive.forRunner(Path.of(archive), classPath);
  }

  /**
   * The catalog to give the tap: none when the project selects nothing; else the plugin's catalog
   * file, or the tap's own discovery, with the selection and metadata overrides applied.
   */
  private Optional<Path> catalog(
      Project.Pipeline pipeline, Project.Plugin tap, List<String> tapCommand, Path temporary, Redactor redactor) {
    Selection selection = new Selection(tap.select(), tap.metadata());
    if (selection.isEmpty() && tap.catalog() == null) {
      return Optional.empty();
    }
    Catalog base = baseCatalog(tap, tapCommand, pipeline.name(), redactor);
    Catalog applied = selection.isEmpty() ? base : selection.apply(base);
    return Optional.of(privateFile(temporary, "catalog.json", Json.write(applied.toJson())));
  }

  /** The plugin's catalog file, or the catalog the tap discovers with {@code --discover}. */
  Catalog baseCatalog(Project.Plugin tap, List<String> tapCommand, String label, Redactor redactor) {
    if (tap.catalog() != null) {
      Path file = project.folder().resolve(tap.catalog());
      if (!Files.isRegularFile(file)) {
        throw new ConfigurationException("taps." + tap.name() + ".catalog: " + file + " does not exist.");
      }
      return Catalog.read(file);
    }
    List<String> command = new ArrayList<>(tapCommand);
    command.add("--discover");
    Process process;
    try {
      process = new ProcessBuilder(command).start();
    } catch (IOException e) {
      throw new TaplineException("Cannot start " + tap.name() + " --discover: " + e.getMessage(), e);
    }
    StderrForwarder stderr = new StderrForwarder(tap.name(), "[" + label + "/" + tap.name() + " --discover] ",
        process.getErrorStream(), err, redactor);
    Thread thread = new Thread(stderr, "stderr-discover-" + tap.name());
    thread.setDaemon(true);
    thread.start();
    try {
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      int code = process.waitFor();
      thread.join(TimeUnit.SECONDS.toMillis(10));
      if (code != 0) {
        List<String> lines = stderr.lastLines();
        throw new TaplineException("The discovery of " + tap.name() + " failed: exit code " + code
            + (lines.isEmpty() ? "" : ". Its last stderr lines: " + String.join(" | ", lines)) + ".");
      }
      return Catalog.fromJson(Json.parse(new String(output, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new TaplineException("Cannot read the catalog " + tap.name() + " discovers: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new TaplineException("Interrupted while " + tap.name() + " was discovering its streams.", e);
    }
  }

  /** The tap's command without a catalog, for {@code tapline select}. */
  List<String> discoveryCommand(Project.Plugin tap, Path temporary, Interpolation interpolation) {
    JsonNode config = interpolation.resolve(tap.config(), "taps." + tap.name() + ".config");
    interpolation.check(project.file());
    Path file = privateFile(temporary, "tap-config.json", Json.write(config));
    List<String> command = new ArrayList<>();
    command.add(executable(tap, "tap").toString());
    command.add("--config");
    command.add(file.toString());
    return command;
  }

  static Path privateFolder() {
    try {
      return Files.createTempDirectory("tapline-run-", PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a temporary folder: " + e.getMessage(), e);
    }
  }

  /** A file only its owner can read (mode 600): configs hold secrets. */
  static Path privateFile(Path folder, String name, String content) {
    Path file = folder.resolve(name);
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file + ": " + e.getMessage(), e);
    }
    return file;
  }

  static void deleteQuietly(Path folder) {
    if (folder == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.deleteIfExists(path);
        } catch (IOException ignored) {
          // the temporary folder is private; what cannot be deleted stays private
        }
      });
    } catch (IOException ignored) {
      // as above
    }
  }
}
