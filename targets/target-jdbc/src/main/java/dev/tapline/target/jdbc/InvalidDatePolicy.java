package dev.tapline.target.jdbc;

/** What happens to a date or timestamp the database cannot hold (year 0, years beyond 9999). */
public enum InvalidDatePolicy {
  /** Stop with an error naming the stream and property. */
  ERROR,
  /** Load NULL instead. */
  NULL,
  /** Load the largest date the loader writes: 9999-12-31 (23:59:59.999999 UTC). */
  MAX
}
