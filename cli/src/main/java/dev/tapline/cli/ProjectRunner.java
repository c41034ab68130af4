package dev.tapline.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs several pipelines of a project with a bounded pool: N pipelines run at once until each has
 * finished, failed or been skipped; then a summary table. The exit code is 1 when a pipeline failed
 * (2 when every failure was a usage or configuration problem), 3 when none failed but one was
 * skipped because it was already running, else 0.
 */
final class ProjectRunner {

  private final PipelineLauncher launcher;
  private final PrintWriter err;
  private final Duration progressInterval;
  private final LiveStatus live;

  /**
   * @param live the live block of a terminal, or {@code null}: then progress is a log line per
   *     running pipeline every {@code progressInterval}
   */
  ProjectRunner(PipelineLauncher launcher, PrintWriter err, Duration progressInterval, LiveStatus live) {
    this.launcher = launcher;
    this.err = err;
    this.progressInterval = progressInterval;
    this.live = live;
  }

  int run(List<Project.Pipeline> pipelines, int parallel) {
    // every pipeline's variables are checked before anything starts
    for (Project.Pipeline pipeline : pipelines) {
      launcher.check(pipeline);
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallel, pipelines.size())), runnable -> {
      Thread thread = new Thread(runnable, "pipeline");
      thread.setDaemon(true);
      return thread;
    });
    ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "progress");
      thread.setDaemon(true);
      return thread;
    });
    Progress reporter = new Progress();
    progress.scheduleAtFixedRate(reporter, progressInterval.toMillis(), progressInterval.toMillis(), TimeUnit.MILLISECONDS);
    List<PipelineLauncher.Result> results = new ArrayList<>();
    try {
      List<Future<PipelineLauncher.Result>> futures = new ArrayList<>();
      for (Project.Pipeline pipeline : pipelines) {
        futures.add(pool.submit(() -> launcher.run(pipeline)));
      }
      for (int index = 0; index < futures.size(); index++) {
        try {
          results.add(futures.get(index).get());
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          results.add(new PipelineLauncher.Result(pipelines.get(index).name(), "failed", 1, 0, 0, 0,
              String.valueOf(cause.getMessage())));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pool.shutdownNow();
      return 1;
    } finally {
      pool.shutdown();
      progress.shutdownNow();
      if (live != null) {
        live.update(List.of());
      }
    }
    if (results.size() > 1) {
      printSummary(results);
    }
    return exitCode(results);
  }

  static int exitCode(List<PipelineLauncher.Result> results) {
    boolean failed = false;
    boolean onlyConfiguration = true;
    boolean skipped = false;
    for (PipelineLauncher.Result result : results) {
      if (result.exitCode() == PipelineBusyException.EXIT_CODE) {
        skipped = true;
      } else if (result.exitCode() != 0) {
        failed = true;
        onlyConfiguration &= result.exitCode() == 2;
      }
    }
    if (failed) {
      return onlyConfiguration ? 2 : 1;
    }
    return skipped ? PipelineBusyException.EXIT_CODE : 0;
  }

  private void printSummary(List<PipelineLauncher.Result> results) {
    int width = "PIPELINE".length();
    for (PipelineLauncher.Result result : results) {
      width = Math.max(width, result.pipeline().length());
    }
    String format = "%-" + width + "s  %-11s %8s %9s %10s  %s";
    err.println("SUMMARY");
    err.println(String.format(Locale.ROOT, format, "PIPELINE", "STATUS", "ATTEMPTS", "SECONDS", "RECORDS", "ERROR"));
    int succeeded = 0;
    for (PipelineLauncher.Result result : results) {
      if (result.exitCode() == 0) {
        succeeded++;
      }
      String error = result.error() == null ? "" : result.error();
      if (error.length() > 200) {
        error = error.substring(0, 200) + "...";
      }
      err.println(String.format(Locale.ROOT, format, result.pipeline(), result.status(), result.attempts(),
          String.format(Locale.ROOT, "%.1f", result.seconds()), result.records(), error));
    }
    err.println(succeeded + " of " + results.size() + " pipelines succeeded.");
    err.flush();
  }

  /** A line per running pipeline: records per stream and records per second since the last line. */
  private final class Progress implements Runnable {
    private final Map<String, Map<String, Long>> previous = new LinkedHashMap<>();

    @Override
    public void run() {
      double interval = progressInterval.toMillis() / 1000.0;
      List<String> lines = new ArrayList<>();
      launcher.running().forEach((name, run) -> {
        Map<String, Long> counts = run.recordsSoFar();
        Map<String, Long> before = previous.getOrDefault(name, Map.of());
        StringJoiner streams = new StringJoiner(", ");
        counts.forEach((stream, count) -> streams.add(String.format(Locale.ROOT, "%s %,d (%,.0f/s)",
            stream, count, (count - before.getOrDefault(stream, 0L)) / interval)));
        previous.put(name, counts);
        lines.add(String.format(Locale.ROOT, "%s[%s] running for %.0f s%s", live == null ? "INFO  " : "",
            name, run.secondsSoFar(), counts.isEmpty() ? "; no record counts reported yet" : ": records " + streams));
      });
      if (live != null) {
        live.update(lines);
        return;
      }
      lines.forEach(err::println);
      err.flush();
    }
  }
}
