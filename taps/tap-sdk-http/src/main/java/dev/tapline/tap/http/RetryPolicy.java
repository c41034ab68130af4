package dev.tapline.tap.http;

import java.time.Duration;

/**
 * When and how long to wait before sending a request again. The wait before attempt {@code n+1}
 * is {@code initialBackoff * 2^(n-1)}, capped at {@code maxBackoff}, with "full jitter" (a random
 * point between half and all of it), and never shorter than the server's {@code Retry-After}
 * (itself capped at {@code maxRetryAfter}).
 *
 * @param maxAttempts how many times a request is sent at most (1: never retried)
 * @param initialBackoff the wait before the first retry
 * @param maxBackoff the longest wait computed by backoff
 * @param maxRetryAfter the longest {@code Retry-After} honoured; longer ones are cut to it
 */
public record RetryPolicy(
    int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {

  /** Eight attempts, from one second up to a minute, Retry-After up to ten minutes. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(8, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(10));

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    if (initialBackoff.isNegative() || maxBackoff.isNegative() || maxRetryAfter.isNegative()) {
      throw new IllegalArgumentException("waits must not be negative");
    }
  }

  /** The wait in nanoseconds before sending attempt {@code attempt + 1}, {@code random} in [0, 1). */
  long backoffNanos(int attempt, double random) {
    long base = initialBackoff.toNanos();
    long cap = maxBackoff.toNanos();
    long wait = base;
    for (int i = 1; i < attempt && wait < cap; i++) {
      wait = wait > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : wait * 2;
    }
    wait = Math.min(wait, cap);
    return (long) (wait * (0.5 + random / 2));
  }
}
