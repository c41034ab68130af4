package dev.tapline.tap.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.Timestamps;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Infers a JSON Schema from sample records: every property nullable, types widened across the
 * samples (integer and number give number), text that is always an ISO timestamp becomes {@code
 * format: date-time}, objects and arrays recursively. A property only ever null gets an empty
 * (any) schema. Not thread-safe; one instance per inference.
 */
public final class SchemaInference {

  private final ObjectNode schema = objectSchema();

  /** Widens the schema by one record. */
  public void add(JsonNode record) {
    merge(schema, record);
  }

  /** The schema so far ({@code {"type": "object", "properties": {...}}}). */
  public ObjectNode schema() {
    ObjectNode copy = schema.deepCopy();
    copy.put("type", "object");
    return copy;
  }

  private static ObjectNode objectSchema() {
    ObjectNode schema = Json.object();
    schema.putArray("type").add("null").add("object");
    schema.putObject("properties");
    return schema;
  }

  private static void merge(ObjectNode target, JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return;
    }
    String type = typeOf(value);
    Set<String> types = new LinkedHashSet<>();
    target.path("type").forEach(t -> types.add(t.asText()));
    boolean wasTyped = target.has("type");
    if (type.equals("integer") && types.contains("number")) {
      type = "number";
    }
    if (type.equals("number")) {
      types.remove("integer");
    }
    if (type.equals("string")) {
      boolean timestamp = Timestamps.isTimestamp(value.textValue());
      if (!wasTyped) {
        if (timestamp) {
          target.put("format", "date-time");
        }
      } else if (!timestamp) {
        target.remove("format");
      }
    } else if (types.contains("string") && target.has("format")) {
      target.remove("format");
    }
    types.add("null");
    types.add(type);
    ArrayNode typeArray = target.putArray("type");
    if (types.contains("null")) {
      typeArray.add("null");
    }
    types.stream().filter(t -> !t.equals("null")).forEach(typeArray::add);
    if (type.equals("object")) {
      ObjectNode properties = target.get("properties") instanceof ObjectNode p ? p : target.putObject("properties");
      for (Map.Entry<String, JsonNode> field : value.properties()) {
        ObjectNode property = properties.get(field.getKey()) instanceof ObjectNode p ? p : properties.putObject(field.getKey());
        merge(property, field.getValue());
      }
    } else if (type.equals("array")) {
      ObjectNode items = target.get("items") instanceof ObjectNode i ? i : target.putObject("items");
      for (JsonNode item : value) {
        merge(items, item);
      }
    }
  }

  private static String typeOf(JsonNode value) {
    if (value.isObject()) {
      return "object";
    }
    if (value.isArray()) {
      return "array";
    }
    if (value.isBoolean()) {
      return "boolean";
    }
    if (value.isIntegralNumber()) {
      return "integer";
    }
    if (value.isNumber()) {
      return "number";
    }
    return "string";
  }
}
