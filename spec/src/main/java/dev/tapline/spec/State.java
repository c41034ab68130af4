package dev.tapline.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Helpers for the state convention {@code {"bookmarks": {stream: {key: value}},
 * "currently_syncing": stream}}. State is opaque JSON: these helpers never drop what they do not
 * know, and never change their argument (they return copies).
 */
public final class State {

  public static final String BOOKMARKS = "bookmarks";
  public static final String CURRENTLY_SYNCING = "currently_syncing";

  private State() {}

  /** An empty state, {@code {}}. */
  public static ObjectNode empty() {
    return Json.object();
  }

  /** The stream's bookmark object, if any. */
  public static Optional<ObjectNode> bookmark(JsonNode state, String stream) {
    if (state == null) {
      return Optional.empty();
    }
    JsonNode bookmark = state.path(BOOKMARKS).get(stream);
    return bookmark instanceof ObjectNode object ? Optional.of(object) : Optional.empty();
  }

  /** One value of the stream's bookmark, if any (a JSON null counts as none). */
  public static Optional<JsonNode> bookmarkValue(JsonNode state, String stream, String key) {
    return bookmark(state, stream).map(b -> b.get(key)).filter(v -> !v.isNull());
  }

  /** A copy of {@code state} with one bookmark value set. */
  public static ObjectNode withBookmarkValue(JsonNode state, String stream, String key, JsonNode value) {
    ObjectNode copy = copyOf(state);
    ObjectNode bookmarks = objectField(copy, BOOKMARKS);
    objectField(bookmarks, stream).set(key, value);
    return copy;
  }

  /** A copy of {@code state} with the stream's whole bookmark replaced. */
  public static ObjectNode withBookmark(JsonNode state, String stream, ObjectNode bookmark) {
    ObjectNode copy = copyOf(state);
    objectField(copy, BOOKMARKS).set(stream, bookmark.deepCopy());
    return copy;
  }

  /** A copy of {@code state} without the stream's bookmark. */
  public static ObjectNode withoutBookmark(JsonNode state, String stream) {
    ObjectNode copy = copyOf(state);
    JsonNode bookmarks = copy.get(BOOKMARKS);
    if (bookmarks instanceof ObjectNode object) {
      object.remove(stream);
    }
    return copy;
  }

  /** The stream being synced when the state was written, if any. */
  public static Optional<String> currentlySyncing(JsonNode state) {
    JsonNode value = state == null ? null : state.get(CURRENTLY_SYNCING);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
  }

  /** A copy with {@code currently_syncing} set, or removed when {@code stream} is null. */
  public static ObjectNode withCurrentlySyncing(JsonNode state, String stream) {
    ObjectNode copy = copyOf(state);
    if (stream == null) {
      copy.remove(CURRENTLY_SYNCING);
    } else {
      copy.put(CURRENTLY_SYNCING, stream);
    }
    return copy;
  }

  /**
   * Merges a newer state into an older one, bookmark by bookmark: streams the newer state names
   * take its bookmark, streams it does not name keep theirs; other top-level fields of the newer
   * state win. Used when a run synced only some streams.
   */
  public static ObjectNode merge(JsonNode older, JsonNode newer) {
    ObjectNode merged = copyOf(older);
    if (newer == null || !newer.isObject()) {
      return merged;
    }
    Iterator<Map.Entry<String, JsonNode>> fields = newer.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (field.getKey().equals(BOOKMARKS) && field.getValue().isObject()) {
        ObjectNode bookmarks = objectField(merged, BOOKMARKS);
        field.getValue().fields().forEachRemaining(b -> bookmarks.set(b.getKey(), b.getValue().deepCopy()));
      } else {
        merged.set(field.getKey(), field.getValue().deepCopy());
      }
    }
    return merged;
  }

  private static ObjectNode copyOf(JsonNode state) {
    return state instanceof ObjectNode object ? object.deepCopy() : Json.object();
  }

  private static ObjectNode objectField(ObjectNode parent, String field) {
    JsonNode existing = parent.get(field);
    if (existing instanceof ObjectNode object) {
      return object;
    }
    return parent.putObject(field);
  }
}
