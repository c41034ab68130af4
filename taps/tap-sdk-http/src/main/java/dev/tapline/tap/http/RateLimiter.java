package dev.tapline.tap.http;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A client-side limit of requests per second: requests are spaced at least {@code 1/rate} apart.
 * Thread-safe; a rate of 0 or less means no limit.
 */
public final class RateLimiter {

  private final long intervalNanos;
  private long nextAllowed = System.nanoTime();

  public RateLimiter(double requestsPerSecond) {
    this.intervalNanos = requestsPerSecond <= 0 ? 0 : (long) (TimeUnit.SECONDS.toNanos(1) / requestsPerSecond);
  }

  /** Waits until the next request may go. */
  public void acquire() {
    if (intervalNanos == 0) {
      return;
    }
    long wait;
    synchronized (this) {
      long now = System.nanoTime();
      long slot = Math.max(now, nextAllowed);
      nextAllowed = slot + intervalNanos;
      wait = slot - now;
    }
    while (wait > 0) {
      long before = System.nanoTime();
      LockSupport.parkNanos(wait);
      wait -= System.nanoTime() - before;
    }
  }
}
