package dev.tapline.tap.http;

import dev.tapline.spec.TaplineException;

/** A request that failed for good: a status that is not retried, or retries exhausted. */
public final class HttpFailure extends TaplineException {

  private final int status;

  public HttpFailure(String message, int status) {
    super(message);
    this.status = status;
  }

  public HttpFailure(String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
  }

  /** The HTTP status of the last response, or 0 when none came (timeout, connection failure). */
  public int status() {
    return status;
  }
}
