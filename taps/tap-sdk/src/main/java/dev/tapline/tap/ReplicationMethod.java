package dev.tapline.tap;

import java.util.Locale;

/** How a stream is read: all of it every time, or from a bookmark on. */
public enum ReplicationMethod {
  /** Every record on every run; no bookmark. */
  FULL_TABLE,
  /** Records whose replication key is at or after the bookmark. */
  INCREMENTAL,
  /** Changes read from a database log; the bookmark is a log position. */
  LOG_BASED;

  /** Reads the catalog spelling ({@code INCREMENTAL}, {@code full_table}, {@code FULL-TABLE}). */
  public static ReplicationMethod parse(String text) {
    String wanted = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (ReplicationMethod method : values()) {
      if (method.name().equals(wanted)) {
        return method;
      }
    }
    return null;
  }
}
