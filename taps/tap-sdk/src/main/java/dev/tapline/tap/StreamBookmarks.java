package dev.tapline.tap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.State;
import dev.tapline.spec.TaplineException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The replication-key bookmarks of one stream during a sync: the stream's own ({@code
 * replication_key_value}) and, for a stream whose records come in partitions ({@link
 * StreamContext#beginPartition}), one per partition in the Meltano SDK's shape:
 *
 * <pre>{@code
 * {"partitions": [{"context": {"repository": "tapline"},
 *                  "replication_key": "updated_at", "replication_key_value": "2026-11-20T10:00:00Z"}]}
 * }</pre>
 *
 * Partitions of the input state that this run did not touch are kept as they were. Used on the
 * thread writing the messages.
 */
final class StreamBookmarks {

  static final String PARTITIONS = "partitions";
  static final String CONTEXT = "context";

  private final String stream;
  private final String key;
  private final ReplicationValues order;
  private final boolean sorted;
  private final JsonNode signpost;
  private final JsonNode defaultStart;
  private final List<ObjectNode> inputPartitions;
  private final Map<ObjectNode, JsonNode> inputValues;
  private final BookmarkTracker own;
  private final Map<ObjectNode, BookmarkTracker> partitions = new LinkedHashMap<>();
  private BookmarkTracker current;

  /**
   * @param starting the stream's starting value (its bookmark, else the start date), or null
   * @param prior the stream's bookmark value from the input state, or null
   * @param defaultStart where a partition without bookmark starts (the start date), or null
   * @param inputBookmark the stream's bookmark object in the input state, or null
   */
  StreamBookmarks(String stream, String key, ReplicationValues order, boolean sorted,
      JsonNode signpost, JsonNode starting, JsonNode prior, JsonNode defaultStart,
      ObjectNode inputBookmark) {
    this.stream = stream;
    this.key = key;
    this.order = order;
    this.sorted = sorted;
    this.signpost = signpost;
    this.defaultStart = defaultStart;
    this.inputPartitions = new ArrayList<>();
    if (inputBookmark != null && inputBookmark.get(PARTITIONS) instanceof ArrayNode array) {
      for (JsonNode entry : array) {
        if (entry instanceof ObjectNode object) {
          inputPartitions.add(object.deepCopy());
        }
      }
    }
    this.inputValues = partitionValues(inputBookmark, key);
    this.own = new BookmarkTracker(stream, key, order, sorted, signpost, starting, prior);
    this.current = own;
  }

  /** See {@link BookmarkTracker#observe}; the value counts for the current partition. */
  boolean observe(JsonNode value, long recordNumber) {
    return current.observe(value, recordNumber);
  }

  /** The records that follow belong to {@code partition} (a normalised context object). */
  void beginPartition(ObjectNode partition) {
    current = partition(partition);
  }

  /**
   * Moves a bookmark chosen by the stream (the partition's, or the stream's own when {@code
   * partition} is null); returns whether it moved.
   */
  boolean advance(JsonNode value, ObjectNode partition) {
    BookmarkTracker tracker = partition == null ? own : partition(partition);
    try {
      return tracker.advanceTo(value);
    } catch (IllegalArgumentException e) {
      throw new TaplineException("Stream '" + stream + "': the bookmark " + value + " asked for "
          + key + " " + e.getMessage() + "; the replication key must hold comparable values.", e);
    }
  }

  private BookmarkTracker partition(ObjectNode partition) {
    return partitions.computeIfAbsent(partition, context -> {
      JsonNode prior = inputValues.get(context);
      return new BookmarkTracker(stream, key, order, sorted, signpost,
          prior != null ? prior : defaultStart, prior);
    });
  }

  /** The state with this stream's bookmark values written into it. */
  ObjectNode applyTo(ObjectNode state) {
    ObjectNode updated = state;
    JsonNode value = own.bookmark();
    if (value != null) {
      updated = State.withBookmarkValue(updated, stream, Sync.REPLICATION_KEY, Json.NODES.textNode(key));
      updated = State.withBookmarkValue(updated, stream, Sync.REPLICATION_KEY_VALUE, value);
    }
    if (partitions.isEmpty()) {
      return updated;
    }
    ArrayNode list = Json.array();
    Set<ObjectNode> written = new HashSet<>();
    for (ObjectNode entry : inputPartitions) {
      JsonNode context = entry.get(CONTEXT);
      BookmarkTracker tracker = context instanceof ObjectNode object ? partitions.get(object) : null;
      JsonNode bookmark = tracker == null ? null : tracker.bookmark();
      if (bookmark == null) {
        list.add(entry);
      } else {
        list.add(partitionEntry((ObjectNode) context, bookmark));
        written.add((ObjectNode) context);
      }
    }
    for (Map.Entry<ObjectNode, BookmarkTracker> partition : partitions.entrySet()) {
      JsonNode bookmark = partition.getValue().bookmark();
      if (bookmark != null && !written.contains(partition.getKey())) {
        list.add(partitionEntry(partition.getKey(), bookmark));
      }
    }
    return State.withBookmarkValue(updated, stream, PARTITIONS, list);
  }

  private ObjectNode partitionEntry(ObjectNode context, JsonNode value) {
    ObjectNode entry = Json.object();
    entry.set(CONTEXT, context.deepCopy());
    entry.put(Sync.REPLICATION_KEY, key);
    entry.set(Sync.REPLICATION_KEY_VALUE, value);
    return entry;
  }

  /**
   * The bookmark values of the partitions in a stream's bookmark object ({@code partitions}
   * entries on {@code key}, by context); empty when there are none.
   */
  static Map<ObjectNode, JsonNode> partitionValues(ObjectNode bookmark, String key) {
    Map<ObjectNode, JsonNode> values = new HashMap<>();
    if (bookmark == null || key == null || !(bookmark.get(PARTITIONS) instanceof ArrayNode array)) {
      return values;
    }
    for (JsonNode entry : array) {
      JsonNode context = entry.get(CONTEXT);
      JsonNode entryKey = entry.get(Sync.REPLICATION_KEY);
      JsonNode value = entry.get(Sync.REPLICATION_KEY_VALUE);
      if (context instanceof ObjectNode object
          && (entryKey == null || entryKey.isNull() || entryKey.asText().equals(key))
          && value != null && !value.isNull()) {
        values.put(object, value);
      }
    }
    return values;
  }

  /**
   * A partition context as the state holds it: a copy read back from its JSON text, so that
   * values from records (whatever node classes they use) compare equal to values from a state file.
   */
  static ObjectNode normalise(ObjectNode context) {
    if (context == null) {
      throw new IllegalArgumentException("A partition context must not be null");
    }
    return (ObjectNode) Json.parse(Json.write(context));
  }
}
