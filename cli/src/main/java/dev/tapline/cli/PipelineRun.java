package dev.tapline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapline.spec.TaplineException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
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

  private final Side tap;
  private final Side target;
  private final StateFile stateFile;
  private final PrintWriter err;
  private final Duration stopTimeout;
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile boolean stopRequested;
  private volatile List<Process> processes = List.of();

  PipelineRun(Side tap, Side target, StateFile stateFile, PrintWriter err, Duration stopTimeout) {
    this.tap = tap;
    this.target = target;
    this.stateFile = stateFile;
    this.err = err;
    this.stopTimeout = stopTimeout;
  }

  /**
   * Runs the pipeline to its end and returns the exit code: 0 when both sides succeeded; 2 when the
   * side that failed exited with 2 (its usage or configuration); else 1.
   */
  @SuppressWarnings("try") // the lock is held for the whole run, not used in it
  int run() {
    try (StateFile.Lock lock = stateFile.lock()) {
      return runLocked();
    }
  }

  private int runLocked() {
    JsonNode initialState = stateFile.read().orElse(null);
    List<String> tapCommand = new ArrayList<>(tap.command());
    if (initialState != null) {
      tapCommand.add(1, "--state");
      tapCommand.add(2, stateFile.path().toString());
    }
    Thread hook = new Thread(this::stopOnSignal, "tapline-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return runWithHook(tapCommand, initialState);
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

  private int runWithHook(List<String> tapCommand, JsonNode initialState) {
    long startNanos = System.nanoTime();
    info("Running " + tap.name() + " | " + target.name() + " with state file " + stateFile.path()
        + (initialState == null ? " (none yet: full sync)" : ""));
    List<Process> started;
    try {
      started = ProcessBuilder.startPipeline(
          List.of(new ProcessBuilder(tapCommand), new ProcessBuilder(target.command())));
    } catch (IOException e) {
      throw new TaplineException("Cannot start " + tap.name() + " | " + target.name() + ": "
          + e.getMessage(), e);
    }
    processes = List.copyOf(started);
    Process tapProcess = started.get(0);
    Process targetProcess = started.get(1);
    if (stopRequested) {
      terminate(tapProcess.toHandle(), stopTimeout);
    }
    try {
      tapProcess.getOutputStream().close();
    } catch (IOException ignored) {
      // the tap reads no input; a failure to close its stdin changes nothing
    }

    StderrForwarder tapStderr = new StderrForwarder(tap.name(), tapProcess.getErrorStream(), err);
    StderrForwarder targetStderr =
        new StderrForwarder(target.name(), targetProcess.getErrorStream(), err);
    StateKeeper keeper = new StateKeeper(
        targetProcess.getInputStream(), stateFile, initialState, target.name(), this::warn);
    Thread tapStderrThread = daemon(tapStderr, "stderr-" + tap.name());
    Thread targetStderrThread = daemon(targetStderr, "stderr-" + target.name());
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
        terminate(tapProcess.toHandle(), stopTimeout);
        tapStopped = true;
      }
      tapCode = tapProcess.waitFor();
      targetCode = targetProcess.waitFor();
      keeperThread.join(OUTPUT_DRAIN.toMillis());
      tapStderrThread.join(OUTPUT_DRAIN.toMillis());
      targetStderrThread.join(OUTPUT_DRAIN.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      terminate(tapProcess.toHandle(), stopTimeout);
      terminate(targetProcess.toHandle(), stopTimeout);
      throw new TaplineException("The run was interrupted; both processes were stopped.", e);
    } catch (ExecutionException e) {
      throw new TaplineException("Cannot wait for the pipeline: " + e.getMessage(), e);
    }
    if (keeperThread.isAlive()) {
      warn("The stdout of " + target.name() + " is still open (a child process of it?);"
          + " states it writes from now on are not saved.");
    }

    double seconds = (System.nanoTime() - startNanos) / 1e9;
    info(summary(seconds, tapCode, targetCode, tapStderr, targetStderr, keeper));

    boolean tapFailed = tapCode != 0;
    // a target that exits 0 is only at fault when the tap had to be stopped; when both end at
    // about the same time the order in which their exits are seen is not reliable
    boolean targetFailed = targetCode != 0 || tapStopped;
    String stateNote = stateNote(keeper);
    if (stopRequested) {
      error("The run was stopped by a signal (" + tap.name() + " exit " + tapCode + ", "
          + target.name() + " exit " + targetCode + "). " + stateNote);
      return 1;
    }
    if (tapFailed || targetFailed) {
      boolean blameTarget = targetFailed && (!tapFailed || tapStopped || firstToEnd == targetProcess);
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
      error(message + " " + stateNote + " Fix the cause and run again.");
      // a side that reports a usage or configuration problem (2) makes the run's problem one too
      int blamedCode = blameTarget ? targetCode : tapCode;
      return blamedCode == 2 ? 2 : 1;
    }
    if (keeper.failure() != null) {
      error("Both sides succeeded but the state file " + stateFile.path() + " could not be written: "
          + keeper.failure().getMessage() + ". The next run repeats the data since the state it holds.");
      return 1;
    }
    return 0;
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
      int tapCode,
      int targetCode,
      StderrForwarder tapStderr,
      StderrForwarder targetStderr,
      StateKeeper keeper) {
    StringBuilder summary = new StringBuilder();
    summary.append(String.format(Locale.ROOT, "Run finished in %.1f s: %s exit %d, %s exit %d",
        seconds, tap.name(), tapCode, target.name(), targetCode));
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
    Process targetProcess = current.get(1);
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
    err.println("INFO  " + message);
  }

  private void warn(String message) {
    err.println("WARN  " + message);
  }

  private void error(String message) {
    err.println("ERROR " + message);
  }
}
