package dev.tapline.cli;

import dev.tapline.spec.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code tapline run}: pipelines of the project file by name ({@code run NAME... | --all}), or one
 * ad-hoc run of a tap into a target ({@code run TAP TARGET --state-file FILE}). The ad-hoc form is
 * recognised by {@code --state-file}.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    versionProvider = Tapline.ManifestVersion.class,
    description = {
      "Project form: tapline run NAME... | --all [--parallel N] [--project FILE]: runs pipelines of"
          + " the project file (tapline.yml in the working folder unless --project is given).",
      "Ad-hoc form: tapline run TAP TARGET --state-file FILE: runs TAP into TARGET (the tap's"
          + " stdout piped to the target's stdin) and saves every state the target echoes to the"
          + " state file, atomically. The tap gets --state FILE when the state file exists and is"
          + " not empty."
    },
    footer = {
      "",
      "The state file is only ever replaced by a newer state the target echoed in this run; an"
          + " empty state never replaces a non-empty one; a failed run never rewinds it.",
      "Exit codes: 0 both sides succeeded, 1 a side failed or the run was stopped, 2 usage or bad"
          + " configuration, 3 (project form) a pipeline was skipped because it is already running."
    })
final class RunCommand implements Callable<Integer> {

  @ParentCommand Tapline tapline;

  @Spec CommandSpec spec;

  @Parameters(
      arity = "0..*",
      paramLabel = "NAME | TAP TARGET",
      description = "Pipeline names of the project file; or, with --state-file, the tap and the"
          + " target: each a path or a name on PATH.")
  List<String> names = new ArrayList<>();

  @Option(names = "--project", paramLabel = "FILE", description = "The project file (default: ./tapline.yml).")
  Path project;

  @Option(names = "--all", description = "Run every pipeline of the project file.")
  boolean all;

  @Option(
      names = "--parallel",
      paramLabel = "N",
      defaultValue = "1",
      description = "How many pipelines run at once (default: ${DEFAULT-VALUE}).")
  int parallel;

  @Option(
      names = "--progress-interval",
      paramLabel = "SECONDS",
      description = "Seconds between progress reports of running pipelines (default: 1 on a"
          + " terminal, where a live line per pipeline is redrawn in place; else 30, as log lines).")
  Double progressInterval;

  private String tap;
  private String target;

  @Option(
      names = "--tap-config",
      paramLabel = "FILE",
      description = "A settings file for the tap, passed as --config (repeatable; ENV passes through).")
  List<String> tapConfigs = new ArrayList<>();

  @Option(
      names = "--target-config",
      paramLabel = "FILE",
      description = "A settings file for the target, passed as --config (repeatable; ENV passes through).")
  List<String> targetConfigs = new ArrayList<>();

  @Option(names = "--catalog", paramLabel = "FILE", description = "A catalog for the tap.")
  Path catalog;

  @Option(
      names = "--state-file",
      paramLabel = "FILE",
      description = "Ad-hoc form: where the pipeline's state lives between runs.")
  Path stateFile;

  @Option(
      names = "--tap-arg",
      paramLabel = "ARG",
      description = "One more argument for the tap (repeatable).")
  List<String> tapArguments = new ArrayList<>();

  @Option(
      names = "--target-arg",
      paramLabel = "ARG",
      description = "One more argument for the target (repeatable).")
  List<String> targetArguments = new ArrayList<>();

  @Option(
      names = "--stop-timeout",
      paramLabel = "SECONDS",
      defaultValue = "30",
      description = "On SIGTERM/SIGINT, how long each side may take to stop before it is killed"
          + " (default: ${DEFAULT-VALUE}).")
  long stopTimeoutSeconds;

  private volatile Consumer<PipelineRun> startListener = run -> {};

  /** Lets a test reach the child processes of the run it started in this JVM. */
  void onStart(Consumer<PipelineRun> listener) {
    this.startListener = listener;
  }

  @Override
  public Integer call() {
    if (stateFile == null) {
      return runProject();
    }
    if (all || project != null || names.size() != 2) {
      throw new ConfigurationException("With --state-file, give exactly TAP TARGET (and no --all or"
          + " --project); to run pipelines of a project file, leave out --state-file.");
    }
    tap = names.get(0);
    target = names.get(1);
    return runAdHoc();
  }

  private int runProject() {
    if (names.isEmpty() && !all) {
      throw new ConfigurationException("Give pipeline names or --all (project form), or TAP TARGET"
          + " --state-file FILE (ad-hoc form).");
    }
    if (all && !names.isEmpty()) {
      throw new ConfigurationException("Give pipeline names or --all, not both.");
    }
    if (!tapConfigs.isEmpty() || !targetConfigs.isEmpty() || catalog != null || !tapArguments.isEmpty()
        || !targetArguments.isEmpty() || spec.commandLine().getParseResult().hasMatchedOption("--stop-timeout")) {
      throw new ConfigurationException("--tap-config, --target-config, --catalog, --tap-arg, --target-arg and"
          + " --stop-timeout belong to the ad-hoc form (TAP TARGET --state-file FILE); a pipeline of the project"
          + " file takes them from the file (config, catalog, args, stop_timeout_seconds).");
    }
    if (parallel < 1) {
      throw new ConfigurationException("--parallel must be at least 1.");
    }
    Project loaded = Project.load(Project.locate(project, Path.of("").toAbsolutePath()));
    List<Project.Pipeline> pipelines = new ArrayList<>();
    if (all) {
      pipelines.addAll(loaded.pipelines().values());
    } else {
      for (String name : new java.util.LinkedHashSet<>(names)) {
        pipelines.add(loaded.pipeline(name));
      }
    }
    boolean terminal = System.console() != null && !"dumb".equals(tapline.environment().get("TERM"));
    LiveStatus live = terminal ? new LiveStatus(spec.commandLine().getErr()) : null;
    java.io.PrintWriter err = live != null ? live.writer() : spec.commandLine().getErr();
    double interval = progressInterval != null ? progressInterval : terminal ? 1 : 30;
    if (interval <= 0) {
      throw new ConfigurationException("--progress-interval must be more than 0.");
    }
    try (StateBackend backend = StateBackends.open(loaded, tapline.environment())) {
      PipelineLauncher launcher = new PipelineLauncher(loaded, backend, tapline.environment(), err,
          new Notifier(err, Duration.ofSeconds(1)));
      return new ProjectRunner(launcher, err, Duration.ofMillis((long) (interval * 1000)), live).run(pipelines, parallel);
    }
  }

  private int runAdHoc() {
    if (stopTimeoutSeconds < 1) {
      throw new ConfigurationException("--stop-timeout must be at least 1 second.");
    }
    Path tapExecutable = Executables.resolve("tap", tap, tapline.environment());
    Path targetExecutable = Executables.resolve("target", target, tapline.environment());

    List<String> tapCommand = new ArrayList<>();
    tapCommand.add(tapExecutable.toString());
    addConfigs(tapCommand, tapConfigs, "--tap-config");
    if (catalog != null) {
      tapCommand.add("--catalog");
      tapCommand.add(existingFile(catalog.toString(), "--catalog").toString());
    }
    tapCommand.addAll(tapArguments);

    List<String> targetCommand = new ArrayList<>();
    targetCommand.add(targetExecutable.toString());
    addConfigs(targetCommand, targetConfigs, "--target-config");
    targetCommand.addAll(targetArguments);

    if (Files.isDirectory(stateFile)) {
      throw new ConfigurationException("--state-file " + stateFile + " is a folder; give a file path.");
    }
    PipelineRun run = new PipelineRun(
        new PipelineRun.Side("tap", Executables.displayName(tapExecutable), tapCommand),
        new PipelineRun.Side("target", Executables.displayName(targetExecutable), targetCommand),
        new StateFile(stateFile),
        spec.commandLine().getErr(),
        Duration.ofSeconds(stopTimeoutSeconds));
    startListener.accept(run);
    return run.run();
  }

  private static void addConfigs(List<String> command, List<String> configs, String option) {
    for (String config : configs) {
      command.add("--config");
      command.add("ENV".equals(config) ? config : existingFile(config, option).toString());
    }
  }

  private static Path existingFile(String given, String option) {
    Path path = Path.of(given).toAbsolutePath().normalize();
    if (!Files.isRegularFile(path)) {
      throw new ConfigurationException(option + " " + given + " does not exist or is not a file.");
    }
    return path;
  }
}
