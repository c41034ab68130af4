package dev.tapline.tap;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapline.spec.TaplineException;

/**
 * Follows the replication-key values of one stream (or one partition of it) during a sync: the
 * highest value seen (never past the signpost), the order check of sorted streams, and the filter
 * of values older than the starting value. A stream that moves its bookmark itself ({@link
 * StreamContext#advanceBookmark}) takes over the bookmark from the values seen. Used on one thread.
 */
final class BookmarkTracker {

  private final String stream;
  private final String key;
  private final ReplicationValues order;
  private final boolean sorted;
  private final JsonNode signpost;
  private final JsonNode startingValue;
  private final JsonNode priorBookmark;
  private JsonNode highest;
  private JsonNode chosen;
  private JsonNode previous;
  private long previousRecordNumber;

  BookmarkTracker(String stream, String key, ReplicationValues order, boolean sorted,
      JsonNode signpost, JsonNode startingValue, JsonNode priorBookmark) {
    this.stream = stream;
    this.key = key;
    this.order = order;
    this.sorted = sorted;
    this.signpost = signpost;
    this.startingValue = startingValue;
    this.priorBookmark = priorBookmark;
  }

  /**
   * Looks at the replication value of the record numbered {@code recordNumber} (1-based, counting
   * every record the stream produced). Returns false when the record is older than the starting
   * value and must be dropped.
   *
   * @throws TaplineException when a sorted stream goes backwards
   */
  boolean observe(JsonNode value, long recordNumber) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return true;
    }
    int againstStart;
    try {
      againstStart = startingValue == null ? 1 : order.compare(value, startingValue);
      if (sorted && previous != null && order.compare(value, previous) < 0) {
        throw new TaplineException("Stream '" + stream + "' is declared sorted by '" + key
            + "' but record " + recordNumber + " has " + key + " = " + value
            + ", lower than " + previous + " in record " + previousRecordNumber
            + ". Mark the stream unsorted (e.g. \"sorted\": false) or sort the source.");
      }
      if (highest == null || order.compare(value, highest) > 0) {
        highest = value;
      }
    } catch (IllegalArgumentException e) {
      throw new TaplineException("Stream '" + stream + "', record " + recordNumber + ": "
          + key + " " + e.getMessage() + "; the replication key must hold comparable values.", e);
    }
    previous = value;
    previousRecordNumber = recordNumber;
    return againstStart >= 0;
  }

  /**
   * The stream says every record below {@code value} was handed over: from now on the bookmark is
   * the highest value the stream chose this way (held back at the signpost), no longer the highest
   * value seen. Returns whether the bookmark moved.
   *
   * @throws IllegalArgumentException when the value cannot be compared with the others
   */
  boolean advanceTo(JsonNode value) {
    JsonNode before = bookmark();
    JsonNode candidate = value;
    if (signpost != null && order.compare(candidate, signpost) > 0) {
      candidate = signpost;
    }
    if (chosen == null || order.compare(candidate, chosen) > 0) {
      chosen = candidate;
    }
    JsonNode after = bookmark();
    return before == null ? after != null : !before.equals(after);
  }

  /**
   * The bookmark to write now, never below the prior one: the value the stream chose, else the
   * highest value seen held back at the signpost; or null.
   */
  JsonNode bookmark() {
    JsonNode candidate = chosen != null ? chosen : highest;
    if (candidate != null && signpost != null && order.compare(candidate, signpost) > 0) {
      candidate = signpost;
    }
    if (priorBookmark != null && (candidate == null || order.compare(priorBookmark, candidate) > 0)) {
      return priorBookmark;
    }
    return candidate;
  }
}
