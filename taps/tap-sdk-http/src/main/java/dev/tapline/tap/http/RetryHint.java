package dev.tapline.tap.http;

/**
 * An API's own word on whether a failed response may be retried, e.g. Stripe's {@code
 * Stripe-Should-Retry} header. Consulted for every non-2xx response; 401 and 403 are never retried
 * whatever the hint says.
 */
@FunctionalInterface
public interface RetryHint {

  /** No hint: the status alone decides. */
  RetryHint NONE = response -> null;

  /** Stripe's {@code Stripe-Should-Retry: true|false}. */
  RetryHint STRIPE = header("Stripe-Should-Retry");

  /**
   * True to retry, false to fail now, null to let the status decide (429 and 5xx retried).
   *
   * @param response a response with a status outside 2xx
   */
  Boolean shouldRetry(ApiResponse response);

  /** A hint read from a header holding {@code true} or {@code false}. */
  static RetryHint header(String name) {
    return response -> {
      String value = response.header(name);
      if (value == null) {
        return null;
      }
      return Boolean.parseBoolean(value.trim());
    };
  }
}
