package dev.tapline.target.snowflake;

import dev.tapline.spec.Log;
import java.sql.SQLException;

/**
 * Runs a load step again after a transient failure ({@link Failures#isTransient}), waiting twice
 * as long each time. Anything else, authentication failures above all, fails at once.
 */
public final class Retry {

  /** Waits between attempts; tests pass one that records instead of sleeping. */
  public interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  /** One step that may fail. */
  interface Step {
    void run() throws SQLException;
  }

  private static final Log LOG = Log.of(Retry.class);

  private final int retries;
  private final long firstWaitMillis;
  private final Sleeper sleeper;

  /**
   * @param retries how many times a step is tried again after the first failure
   * @param firstWaitMillis the wait before the first retry; doubled for each further one
   */
  public Retry(int retries, long firstWaitMillis, Sleeper sleeper) {
    this.retries = retries;
    this.firstWaitMillis = firstWaitMillis;
    this.sleeper = sleeper;
  }

  public static Retry standard(int retries, long firstWaitMillis) {
    return new Retry(retries, firstWaitMillis, Thread::sleep);
  }

  /** Runs {@code step}; {@code what} names it in log lines ("upload of 3 files for orders"). */
  void run(String what, Step step) throws SQLException {
    long wait = firstWaitMillis;
    for (int attempt = 0; ; attempt++) {
      try {
        step.run();
        return;
      } catch (SQLException e) {
        if (attempt >= retries || !Failures.isTransient(e)) {
          throw e;
        }
        LOG.warn(what + " failed (" + e.getMessage() + "); trying again in " + wait + " ms, attempt "
            + (attempt + 2) + " of " + (retries + 1));
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        wait = Math.min(wait * 2, 60_000);
      }
    }
  }
}
