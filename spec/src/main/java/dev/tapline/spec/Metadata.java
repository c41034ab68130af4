package dev.tapline.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A catalog entry's breadcrumb metadata: for the stream ({@code []}) and for each property ({@code
 * ["properties", name]}), a map of standard keys such as {@code selected}, {@code inclusion},
 * {@code replication-method}. Immutable: the {@code with} methods return a new value.
 */
public final class Metadata {

  public static final String SELECTED = "selected";
  public static final String INCLUSION = "inclusion";
  public static final String SELECTED_BY_DEFAULT = "selected-by-default";
  public static final String REPLICATION_METHOD = "replication-method";
  public static final String REPLICATION_KEY = "replication-key";
  public static final String TABLE_KEY_PROPERTIES = "table-key-properties";
  public static final String VALID_REPLICATION_KEYS = "valid-replication-keys";
  public static final String FORCED_REPLICATION_METHOD = "forced-replication-method";
  public static final String SCHEMA_NAME = "schema-name";
  public static final String IS_VIEW = "is-view";
  public static final String ROW_COUNT = "row-count";
  public static final String SQL_DATATYPE = "sql-datatype";

  /** {@code inclusion} values. */
  public static final String AUTOMATIC = "automatic";
  public static final String AVAILABLE = "available";
  public static final String UNSUPPORTED = "unsupported";

  private static final List<String> STREAM = List.of();

  private final Map<List<String>, ObjectNode> entries;

  private Metadata(Map<List<String>, ObjectNode> entries) {
    this.entries = entries;
  }

  public static Metadata empty() {
    return new Metadata(Map.of());
  }

  /** Reads the standard list form {@code [{"breadcrumb": [...], "metadata": {...}}, ...]}. */
  public static Metadata fromJson(JsonNode list) {
    Map<List<String>, ObjectNode> entries = new LinkedHashMap<>();
    if (list != null && list.isArray()) {
      for (JsonNode item : list) {
        List<String> breadcrumb = new ArrayList<>();
        JsonNode crumbs = item.get("breadcrumb");
        if (crumbs != null && crumbs.isArray()) {
          crumbs.forEach(crumb -> breadcrumb.add(crumb.asText()));
        }
        JsonNode values = item.get("metadata");
        ObjectNode copy = values instanceof ObjectNode object ? object.deepCopy() : Json.object();
        entries.merge(List.copyOf(breadcrumb), copy, (a, b) -> (ObjectNode) a.setAll(b));
      }
    }
    return new Metadata(Collections.unmodifiableMap(entries));
  }

  /** The standard list form. */
  public ArrayNode toJson() {
    ArrayNode list = Json.array();
    entries.forEach((breadcrumb, values) -> {
      ObjectNode item = list.addObject();
      ArrayNode crumbs = item.putArray("breadcrumb");
      breadcrumb.forEach(crumbs::add);
      item.set("metadata", values.deepCopy());
    });
    return list;
  }

  /** The breadcrumb of a top-level property. */
  public static List<String> property(String name) {
    return List.of("properties", name);
  }

  /** A value, or null when absent. */
  public JsonNode get(List<String> breadcrumb, String key) {
    ObjectNode values = entries.get(breadcrumb);
    JsonNode value = values == null ? null : values.get(key);
    return value == null || value.isNull() ? null : value;
  }

  /** A stream-level value, or null when absent. */
  public JsonNode stream(String key) {
    return get(STREAM, key);
  }

  /** A stream-level text value, or null when absent. */
  public String streamText(String key) {
    JsonNode value = stream(key);
    return value == null ? null : value.asText();
  }

  /** All breadcrumbs, in their order. */
  public List<List<String>> breadcrumbs() {
    return List.copyOf(entries.keySet());
  }

  /** A copy with one value set. */
  public Metadata with(List<String> breadcrumb, String key, JsonNode value) {
    Map<List<String>, ObjectNode> copy = new LinkedHashMap<>();
    entries.forEach((crumb, values) -> copy.put(crumb, values.deepCopy()));
    copy.computeIfAbsent(List.copyOf(breadcrumb), crumb -> Json.object()).set(key, value);
    return new Metadata(Collections.unmodifiableMap(copy));
  }

  public Metadata with(List<String> breadcrumb, String key, String value) {
    return with(breadcrumb, key, Json.NODES.textNode(value));
  }

  public Metadata with(List<String> breadcrumb, String key, boolean value) {
    return with(breadcrumb, key, Json.NODES.booleanNode(value));
  }

  /**
   * Whether the stream is selected: {@code inclusion: automatic} always is, {@code unsupported}
   * never; else an explicit {@code selected}, else {@code selected-by-default}, else {@code
   * whenUnspecified}.
   */
  public boolean isStreamSelected(boolean whenUnspecified) {
    return isSelected(STREAM, whenUnspecified);
  }

  /**
   * Whether a top-level property is selected, by the same rules; a property without metadata is
   * selected.
   */
  public boolean isPropertySelected(String name) {
    return isSelected(property(name), true);
  }

  private boolean isSelected(List<String> breadcrumb, boolean whenUnspecified) {
    JsonNode inclusion = get(breadcrumb, INCLUSION);
    if (inclusion != null && AUTOMATIC.equals(inclusion.asText())) {
      return true;
    }
    if (inclusion != null && UNSUPPORTED.equals(inclusion.asText())) {
      return false;
    }
    JsonNode selected = get(breadcrumb, SELECTED);
    if (selected != null) {
      return selected.asBoolean();
    }
    JsonNode byDefault = get(breadcrumb, SELECTED_BY_DEFAULT);
    if (byDefault != null) {
      return byDefault.asBoolean();
    }
    return whenUnspecified;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Metadata metadata && entries.equals(metadata.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return toJson().toString();
  }
}
