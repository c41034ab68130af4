package dev.tapline.tap.csv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.schema.PropertyType;

/**
 * One column of an entity: its header, property name and value type.
 *
 * @param header the header as written in the file
 * @param name the property name (see {@link ColumnNames})
 * @param kind what the values are
 * @param nullable whether an empty cell (null) is allowed
 * @param precision total digits allowed for a NUMBER, or 0 when unchecked
 * @param scale digits after the point allowed for a NUMBER, or -1 when unchecked
 * @param declared the declared property schema, or null when the type was inferred
 */
record Column(String header, String name, ColumnKind kind, boolean nullable, int precision,
    int scale, ObjectNode declared) {

  /** The column of a declared property schema. */
  static Column declared(String header, String name, ObjectNode schema) {
    PropertyType type = PropertyType.of(schema);
    ColumnKind kind = switch (type.kind()) {
      case INTEGER -> ColumnKind.INTEGER;
      case NUMBER -> type.decimalAsString() ? ColumnKind.STRING : ColumnKind.NUMBER;
      case BOOLEAN -> ColumnKind.BOOLEAN;
      case DATE -> ColumnKind.DATE;
      case DATE_TIME -> ColumnKind.DATE_TIME;
      default -> ColumnKind.STRING;
    };
    boolean checked = kind == ColumnKind.NUMBER && type.scale() != null && type.precision() != null;
    return new Column(header, name, kind, type.nullable() || type.union(),
        checked ? type.precision() : 0, checked ? type.scale() : -1, schema);
  }

  /** The JSON Schema of the property. */
  ObjectNode schema() {
    if (declared != null) {
      return declared.deepCopy();
    }
    ObjectNode schema = Json.object();
    ArrayNode type = schema.putArray("type");
    type.add(switch (kind) {
      case INTEGER -> "integer";
      case NUMBER -> "number";
      case BOOLEAN -> "boolean";
      default -> "string";
    });
    if (nullable) {
      type.add("null");
    } else {
      schema.put("type", type.get(0).textValue());
    }
    if (kind == ColumnKind.DATE) {
      schema.put("format", "date");
    } else if (kind == ColumnKind.DATE_TIME) {
      schema.put("format", "date-time");
    } else if (kind == ColumnKind.NUMBER && scale >= 0) {
      ObjectNode decimal = schema.putObject("x-singer.decimal");
      decimal.put("precision", precision);
      decimal.put("scale", scale);
    }
    if (!header.equals(name)) {
      schema.put("title", header);
    }
    return schema;
  }

  JsonNode title() {
    return Json.NODES.textNode(header);
  }
}
