package dev.tapline.target;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import java.util.Map;

/**
 * Flattens nested objects into {@code parent__child} properties, up to a depth; deeper objects and
 * all arrays stay as they are (a sink writes them as JSON).
 */
final class Flattener {

  static final String SEPARATOR = "__";

  private final int maxDepth;

  Flattener(int maxDepth) {
    this.maxDepth = maxDepth;
  }

  /** A flattened copy of a schema: object properties with declared properties are unfolded. */
  ObjectNode flattenSchema(ObjectNode schema) {
    ObjectNode copy = schema.deepCopy();
    ObjectNode flat = Json.object();
    flattenProperties((ObjectNode) schema.get("properties"), "", 0, flat);
    copy.set("properties", flat);
    return copy;
  }

  private void flattenProperties(ObjectNode properties, String prefix, int depth, ObjectNode into) {
    for (Map.Entry<String, JsonNode> property : properties.properties()) {
      JsonNode nested = property.getValue().get("properties");
      if (depth < maxDepth && isObject(property.getValue()) && nested instanceof ObjectNode nestedObject) {
        flattenProperties(nestedObject, prefix + property.getKey() + SEPARATOR, depth + 1, into);
      } else {
        into.set(prefix + property.getKey(), property.getValue());
      }
    }
  }

  private static boolean isObject(JsonNode propertySchema) {
    JsonNode type = propertySchema.get("type");
    if (type == null) {
      return false;
    }
    if (type.isTextual()) {
      return type.textValue().equals("object");
    }
    for (JsonNode item : type) {
      if (item.isTextual() && item.textValue().equals("object")) {
        return true;
      }
    }
    return false;
  }

  /** The flattened record; the record itself when it has no nested object. */
  ObjectNode flattenRecord(ObjectNode record) {
    boolean nested = false;
    for (JsonNode value : record) {
      if (value.isObject()) {
        nested = true;
        break;
      }
    }
    if (!nested) {
      return record;
    }
    ObjectNode flat = Json.object();
    flattenValues(record, "", 0, flat);
    return flat;
  }

  private void flattenValues(ObjectNode object, String prefix, int depth, ObjectNode into) {
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      if (depth < maxDepth && field.getValue() instanceof ObjectNode nested) {
        flattenValues(nested, prefix + field.getKey() + SEPARATOR, depth + 1, into);
      } else {
        into.set(prefix + field.getKey(), field.getValue());
      }
    }
  }
}
