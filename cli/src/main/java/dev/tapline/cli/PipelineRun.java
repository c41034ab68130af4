package dev.tapline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapline.spec.TaplineException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One run of a tap into a target. The tap's stdout is joined to the target's stdin by an OS pipe
 * (no copying through this JVM); both stderr streams are forwarded with a prefix; the target's
 * stdout feeds the {@link StateKeeper}.
 *
 * <p>When the tap fails the target still gets the end of its input and may commit and echo a
 * state: that state is kept, because a target echoes a state only after the records before it are
 * committed, so it never claims data that was not loaded. When the target ends first, the tap is
 * given a moment to notice the closed pipe and is then terminated.
 *
 * <p>A SIGTERM or SIGINT to this JVM stops the run through a shutdown hook: SIGTERM to the tap,
 * the target then sees the end of its input and drains; the last committed state is written and
 * the JVM exits non-zero.
 */
final class PipelineRun {

  /** One end of the pipeline: the executable's display name and its full command line. */
  record Side(String role, String name, List<String> command) {
    Side {
      command = List.copyOf(command);
    }
  }

  private static final Duration TAP_GRACE_AFTER_TARGET_ENDED = Duration.ofSeconds(2);
  private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(10);

  /**
   * What a run did: its exit code (as {@link #run()} returns it), each side's exit code by name in
   * pipeline order, records and bytes per stream (from the sides' metrics; empty when none sent
   * any), the state saved at the end (or {@code null}), and the error line ({@code null} on success).
   */
  record Outcome(
      int exitCode,
      Map<String, Integer> exitCodes,
      Map<String, Long> records,
      Map<String, Long> bytes,
      long statesReceived,
      long statesWritten,
      JsonNode finalState,
      String error,
      boolean stopped,
      double seconds) {}

  private final List<Side> sides;
  private final Side tap;
  private final Side target;
  private final StateSink stateSink;
  private final StateFile stateFile;
  private final boolean mergeStates;
  private final PrintWriter err;
  private final Duration stopTimeout;
  private final String label;
  private final String pipelineName;
  private final Redactor redactor;
  private final CountDownLatch finished = new CountDownLatch(1);
  private JsonNode initialState;
  private Path tapStateFile;
  private volatile boolean stopRequested;
  private volatile List<Process> processes = List.of();
  private volatile List<StderrForwarder> forwarders = List.of();
  private volatile long startNanos;

  /** The ad-hoc form: a state file that is read, locked and written by {@link #run()}. */
  PipelineRun(Side tap, Side target, StateFile stateFile, PrintWriter err, Duration stopTimeout) {
    this.sides = List.of(tap, target);
    this.tap = tap;
    this.target = target;
    this.stateSink = stateFile;
    this.stateFile = stateFile;
    this.mergeStates = false;
    this.err = err;
    this.stopTimeout = stopTimeout;
    this.label = "";
    this.pipelineName = "";
    this.redactor = Redactor.NONE;
  }

  /**
   * A run whose caller holds the pipeline's lock and has read its state.
   *
   * @param sides the tap, then any mappers, then the target
   * @param initialState the state before the run, or {@code null}
   * @param tapStateFile a file holding {@code initialState} for the tap's {@code --state}, or
   *     {@code null} when there is none
   * @param mergeStates whether each echoed state is merged into {@code initialState}
   * @param label put before the runner's own messages (the pipeline's name), or empty
   */
  PipelineRun(
      List<Side> sides,
      StateSink stateSink,
      JsonNode initialState,
      Path tapStateFile,
      boolean mergeStates,
      PrintWriter err,
      Duration stopTimeout,
      String label,
      Redactor redactor) {
    if (sides.size() < 2) {
      throw new IllegalArgumentException("a pipeline has a tap and a target");
    }
    this.sides = List.copyOf(sides);
    this.tap = sides.get(0);
    this.target = sides.get(sides.size() - 1);
    this.stateSink = stateSink;
    this.stateFile = null;
    this.initialState = initialState;
    this.tapStateFile = tapStateFile;
    this.mergeStates = mergeStates;
    this.err = err;
    this.stopTimeout = stopTimeout;
    this.label = label.isEmpty() ? "" : "[" + label + "] ";
    this.pipelineName = label;
    this.redactor = redactor;
  }

  /**
   * Runs the pipeline to its end and returns the exit code: 0 when both sides succeeded; 2 when the
   * side that failed exited with 2 (its usage or configuration); else 1.
   */
  @SuppressWarnings("try") // the lock is held for the whole run, not used in it
  int run() {
    try (StateFile.Lock lock = stateFile.lock()) {
      initialState = stateFile.read().orElse(null);
      tapStateFile = initialState == null ? null : stateFile.path();
      return execute().exitCode();
    }
  }

  /** Runs the pipeline to its end; the caller holds the lock of its state. */
  Outcome execute() {
    List<String> tapCommand = new ArrayList<>(tap.command());
    if (tapStateFile != null) {
      tapCommand.add(1, "--state");
      tapCommand.add(2, tapStateFile.toString());
    }
    Thread hook = new Thread(this::stopOnSignal, "tapline-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return runWithHook(tapCommand);
    } finally {
      err.flush();
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shutdownInProgress) {
        // the hook is running and waits for this run to end
      }
    }
  }

  /** The tap and target processes once started, for tests that need to kill one of them. */
  List<Process> processes() {
    return processes;
  }

  private String pipelineText() {
    StringJoiner names = new StringJoiner(" | ");
    sides.forEach(side -> names.add(side.name()));
    return names.toString();
  }

  private Outcome runWithHook(List<String> tapCommand) {
    startNanos = System.nanoTime();
    info("Running " + pipelineText() + " with state " + stateSink.describe()
        + (initialState == null ? " (none yet: full sync)" : ""));
    List<ProcessBuilder> builders = new ArrayList<>();
    builders.add(new ProcessBuilder(tapCommand));
    for (Side side : sides.subList(1, sides.size())) {
      builders.add(new ProcessBuilder(side.command()));
    }
    List<Process> started;
    try {
      started = ProcessBuilder.startPipeline(builders);
    } catch (IOException e) {
      throw new TaplineException("Cannot start " + pipelineText() + ": " + e.getMessage(), e);
    }
    processes = List.copyOf(started);
    Process tapProcess = started.get(0);
    Process targetProcess = started.get(started.size() - 1);
    if (stopRequested) {
      terminate(tapProcess.toHandle(), stopTimeout);
    }
    try {
      tapProcess.getOutputStream().close();
    } catch (IOException ignored) {
      // the tap reads no input; a failure to close its stdin changes nothing
    }

    List<StderrForwarder> stderrs = new ArrayList<>();
    List<Thread> stderrThreads = new ArrayList<>();
    for (int index = 0; index < sides.size(); index++) {
      Side side = sides.get(index);
      String prefix = pipelineName.isEmpty() ? "[" + side.name() + "] " : "[" + pipelineName + "/" + side.name() + "] ";
      StderrForwarder forwarder =
          new StderrForwarder(side.name(), prefix, started.get(index).getErrorStream(), err, redactor);
      stderrs.add(forwarder);
      stderrThreads.add(daemon(forwarder, "stderr-" + side.name()));
    }
    forwarders = List.copyOf(stderrs);
    StderrForwarder tapStderr = stderrs.get(0);
    StderrForwarder targetStderr = stderrs.get(stderrs.size() - 1);
    StateKeeper keeper = new StateKeeper(
        targetProcess.getInputStream(), stateSink, initialState, mergeStates, target.name(), this::warn);
    Thread keeperThread = daemon(keeper, "state-" + target.name());

    Process firstToEnd;
    boolean tapStopped = false;
    int tapCode;
    int targetCode;
    try {
      firstToEnd = (Process) CompletableFuture.anyOf(tapProcess.onExit(), targetProcess.onExit()).get();
      if (!targetProcess.isAlive()
          && !tapProcess.waitFor(TAP_GRACE_AFTER_TARGET_ENDED.toMillis(), TimeUnit.MILLISECONDS)) {
        warn(target.name() + " ended before " + tap.name() + " finished; stopping " + tap.name() + ".");
        for (Process upstream : started.subList(0, started.size() - 1)) {
          terminate(upstream.toHandle(), stopTimeout);
        }
        tapStopped = true;
      }
      tapCode = tapProcess.waitFor();
      targetCode = targetProcess.waitFor();
      for (Process mapper : started.subList(1, started.size() - 1)) {
        if (!mapper.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
          terminate(mapper.toHandle(), stopTimeout);
        }
      }
      keeperThread.join(OUTPUT_DRAIN.toMillis());
      for (Thread thread : stderrThreads) {
        thread.join(OUTPUT_DRAIN.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      for (Process process : started) {
        terminate(process.toHandle(), stopTimeout);
      }
      throw new TaplineException("The run was interrupted; every process of it was stopped.", e);
    } catch (ExecutionException e) {
      throw new TaplineException("Cannot wait for the pipeline: " + e.getMessage(), e);
    }
    if (keeperThread.isAlive()) {
      warn("The stdout of " + target.name() + " is still open (a child process of it?);"
          + " states it writes from now on are not saved.");
    }

    double seconds = (System.nanoTime() - startNanos) / 1e9;
    Map<String, Integer> exitCodes = new LinkedHashMap<>();
    for (int index = 0; index < sides.size(); index++) {
      String name = sides.get(index).name();
      exitCodes.put(exitCodes.containsKey(name) ? name + "#" + (index + 1) : name, started.get(index).exitValue());
    }
    info(summary(seconds, exitCodes, tapStderr, targetStderr, keeper));
    Map<String, Long> records = recordCounts(tapStderr, targetStderr);
    Map<String, Long> bytes = new LinkedHashMap<>();
    for (StderrForwarder forwarder : stderrs) {
      if (bytes.isEmpty()) {
        bytes = forwarder.byteCounts();
      }
    }
    Failure failure = failure(
        tapCode, targetCode, tapStopped, firstToEnd, targetProcess, started, stderrs, tapStderr, targetStderr, keeper);
    if (failure != null) {
      error(failure.message());
    }
    return new Outcome(failure == null ? 0 : failure.exitCode(), exitCodes, records, bytes,
        keeper.statesReceived(), keeper.statesWritten(), keeper.lastWritten(),
        failure == null ? null : redactor.redact(failure.message()), stopRequested, seconds);
  }

  /** Why a run failed, in one line, and the exit code that says so. */
  private record Failure(String message, int exitCode) {}

  private Failure failure(
      int tapCode,
      int targetCode,
      boolean tapStopped,
      Process firstToEnd,
      Process targetProcess,
      List<Process> started,
      List<StderrForwarder> stderrs,
      StderrForwarder tapStderr,
      StderrForwarder targetStderr,
      StateKeeper keeper) {
    boolean tapFailed = tapCode != 0;
    // a target that exits 0 is only at fault when the tap had to be stopped; when both end at
    // about the same time the order in which their exits are seen is not reliable
    boolean targetFailed = targetCode != 0 || tapStopped;
    String stateNote = stateNote(keeper);
    if (stopRequested) {
      return new Failure("The run was stopped by a signal (" + tap.name() + " exit " + tapCode + ", "
          + target.name() + " exit " + targetCode + "). " + stateNote, 1);
    }
    if (!targetFailed) {
      // a mapper that failed is the cause when the target did not fail: the tap upstream of it
      // then fails on the closed pipe, the target downstream sees the end of its input
      for (int index = started.size() - 2; index >= 1; index--) {
        int mapperCode = started.get(index).exitValue();
        if (mapperCode != 0) {
          String name = sides.get(index).name();
          return new Failure("The mapper " + name + " failed: " + describeExit(mapperCode)
              + lastLines(stderrs.get(index)) + " " + stateNote + " Fix the cause and run again.",
              mapperCode == 2 ? 2 : 1);
        }
      }
    }
    if (tapFailed || targetFailed) {
      // a tap killed by SIGPIPE (exit 141) only wrote into a pipe whose reader was gone: when the
      // target failed too, the target is the cause, whichever exit was seen first
      boolean tapLostItsReader = tapCode == 128 + 13;
      boolean blameTarget = targetFailed
          && (!tapFailed || tapStopped || firstToEnd == targetProcess || tapLostItsReader);
      StringBuilder message = new StringBuilder();
      if (blameTarget) {
        message.append("The target ").append(target.name());
        message.append(targetCode != 0
            ? " failed: " + describeExit(targetCode)
            : " ended before the tap had finished (exit code 0)");
        message.append(lastLines(targetStderr));
        message.append(tapFailed ? " The tap " + tap.name() + " then ended with " + describeExit(tapCode) + "." : "");
      } else {
        message.append("The tap ").append(tap.name()).append(" failed: ").append(describeExit(tapCode));
        message.append(lastLines(tapStderr));
        if (targetFailed) {
          message.append(" The target ").append(target.name()).append(" then ended with ")
              .append(describeExit(targetCode)).append('.');
        } else if (firstToEnd == targetProcess) {
          message.append(" The target ").append(target.name())
              .append(" had already ended with exit code 0, which closes the pipe.");
        } else {
          message.append(" The target ").append(target.name()).append(" loaded what it received and exited 0.");
        }
      }
      // a side that reports a usage or configuration problem (2) makes the run's problem one too
      int blamedCode = blameTarget ? targetCode : tapCode;
      return new Failure(message + " " + stateNote + " Fix the cause and run again.", blamedCode == 2 ? 2 : 1);
    }
    if (keeper.failure() != null) {
      return new Failure("Both sides succeeded but the state file " + stateSink.describe()
          + " could not be written: " + keeper.failure().getMessage()
          + ". The next run repeats the data since the state it holds.", 1);
    }
    return null;
  }

  private static Map<String, Long> recordCounts(StderrForwarder tapStderr, StderrForwarder targetStderr) {
    Map<String, Long> counts = targetStderr.recordCounts();
    return counts.isEmpty() ? tapStderr.recordCounts() : counts;
  }

  /**
   * Records per stream counted so far (by the target's metrics, else the tap's) and the seconds
   * since the processes started; for progress reports from another thread.
   */
  Map<String, Long> recordsSoFar() {
    List<StderrForwarder> current = forwarders;
    if (current.isEmpty()) {
      return Map.of();
    }
    return recordCounts(current.get(0), current.get(current.size() - 1));
  }

  double secondsSoFar() {
    long started = startNanos;
    return started == 0 ? 0 : (System.nanoTime() - started) / 1e9;
  }

  private String stateNote(StateKeeper keeper) {
    if (keeper.statesWritten() > 0) {
      return "The state file holds the last state " + target.name() + " committed in this run.";
    }
    if (keeper.lastWritten() != null) {
      return "The state file was left as it was before the run.";
    }
    return "No state was saved: the next run starts from the beginning.";
  }

  private String summary(
      double seconds,
      Map<String, Integer> exitCodes,
      StderrForwarder tapStderr,
      StderrForwarder targetStderr,
      StateKeeper keeper) {
    StringBuilder summary = new StringBuilder();
    StringJoiner codes = new StringJoiner(", ");
    exitCodes.forEach((name, code) -> codes.add(name + " exit " + code));
    summary.append(String.format(Locale.ROOT, "Run finished in %.1f s: %s", seconds, codes));
    Map<String, Long> counts = targetStderr.recordCounts();
    String countedBy = target.name();
    if (counts.isEmpty()) {
      counts = tapStderr.recordCounts();
      countedBy = tap.name();
    }
    if (!counts.isEmpty()) {
      StringJoiner records = new StringJoiner(", ", "; records ", " (counted by " + countedBy + ")");
      counts.forEach((stream, count) -> records.add(stream + " " + count));
      summary.append(records);
    }
    summary.append("; states received ").append(keeper.statesReceived())
        .append(", written ").append(keeper.statesWritten()).append('.');
    return summary.toString();
  }

  private static String lastLines(StderrForwarder forwarder) {
    List<String> lines = forwarder.lastLines();
    if (lines.isEmpty()) {
      return ", and wrote nothing on stderr.";
    }
    List<String> shown = lines.subList(Math.max(0, lines.size() - 3), lines.size());
    return ". Its last stderr lines: " + String.join(" | ", shown) + ".";
  }

  /** An exit code in words; on Unix a code above 128 is how a child killed by a signal ends. */
  static String describeExit(int code) {
    if (code > 128 && code < 160) {
      return "exit code " + code + " (killed by signal " + (code - 128) + ")";
    }
    return "exit code " + code;
  }

  private void stopOnSignal() {
    stopRequested = true;
    List<Process> current = processes;
    if (current.isEmpty()) {
      // not started yet: the run stops the tap as soon as it has started it
      awaitRunEnd();
      return;
    }
    warn("Stop requested: sending SIGTERM to " + tap.name() + "; " + target.name()
        + " then sees the end of its input and commits what it has.");
    terminate(current.get(0).toHandle(), stopTimeout);
    Process targetProcess = current.get(current.size() - 1);
    try {
      if (!targetProcess.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        warn(target.name() + " did not finish within " + stopTimeout.toSeconds() + " s; stopping it.");
        terminate(targetProcess.toHandle(), stopTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    awaitRunEnd();
  }

  /** Lets the run write the last state and its report before the JVM halts. */
  private void awaitRunEnd() {
    try {
      finished.await(stopTimeout.toMillis() * 2 + OUTPUT_DRAIN.toMillis() * 2, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM to a process and its descendants; SIGKILL to those still alive after {@code grace}. */
  static void terminate(ProcessHandle process, Duration grace) {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    descendants.forEach(ProcessHandle::destroy);
    try {
      process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      process.destroyForcibly();
      descendants.forEach(ProcessHandle::destroyForcibly);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    } catch (ExecutionException e) {
      // onExit does not fail
    }
  }

  private static Thread daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private void info(String message) {
    err.println("INFO  " + label + redactor.redact(message));
  }

  private void warn(String message) {
    err.println("WARN  " + label + redactor.redact(message));
  }

  private void error(String message) {
    err.println("ERROR " + label + redactor.redact(message));
  }
}
