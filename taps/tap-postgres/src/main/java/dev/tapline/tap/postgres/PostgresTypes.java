package dev.tapline.tap.postgres;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The types of one database (from {@code pg_type} and {@code pg_enum}) and how a value of each is
 * described in JSON Schema and converted from text. Domains are their base type, arrays an {@code
 * array} of their element type, enums a string with the {@code enum} list.
 */
final class PostgresTypes {

  /** A resolved type: its schema (without null) and its converter. */
  record ValueType(ObjectNode schema, TextValue converter, boolean orderable) {

    /** The property schema, allowing null when the column may be null. */
    ObjectNode propertySchema(boolean nullable) {
      ObjectNode property = schema.deepCopy();
      if (nullable) {
        ArrayNode types = (ArrayNode) property.get("type");
        if (types != null && !containsNull(types)) {
          types.insert(0, "null");
        }
        if (property.get("enum") instanceof ArrayNode values) {
          values.addNull();
        }
      }
      return property;
    }

    private static boolean containsNull(ArrayNode types) {
      for (var type : types) {
        if (type.asText().equals("null")) {
          return true;
        }
      }
      return false;
    }
  }

  private record TypeRow(String name, char kind, int baseType, int typmod, int element, char category) {}

  private final Map<Integer, TypeRow> types;
  private final Map<Integer, List<String>> enumLabels;

  private PostgresTypes(Map<Integer, TypeRow> types, Map<Integer, List<String>> enumLabels) {
    this.types = types;
    this.enumLabels = enumLabels;
  }

  static PostgresTypes load(Connection connection) throws SQLException {
    Map<Integer, TypeRow> types = new HashMap<>();
    Map<Integer, List<String>> labels = new HashMap<>();
    try (Statement statement = connection.createStatement()) {
      try (ResultSet row = statement.executeQuery(
          "SELECT t.oid, t.typname, t.typtype, t.typbasetype, t.typtypmod, t.typelem, t.typcategory,"
              + " n.nspname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace")) {
        while (row.next()) {
          String name = row.getString(8).equals("pg_catalog") ? row.getString(2) : "user:" + row.getString(2);
          types.put(row.getInt(1), new TypeRow(name, row.getString(3).charAt(0), row.getInt(4),
              row.getInt(5), row.getInt(6), row.getString(7).charAt(0)));
        }
      }
      try (ResultSet row = statement.executeQuery(
          "SELECT enumtypid, enumlabel FROM pg_enum ORDER BY enumtypid, enumsortorder")) {
        while (row.next()) {
          labels.computeIfAbsent(row.getInt(1), oid -> new ArrayList<>()).add(row.getString(2));
        }
      }
    }
    return new PostgresTypes(types, labels);
  }

  /** The value type of a column of type {@code oid} with type modifier {@code typmod}. */
  ValueType resolve(int oid, int typmod) {
    TypeRow type = types.get(oid);
    if (type == null) {
      return text(Json.object());
    }
    if (type.kind() == 'd') {
      return resolve(type.baseType(), type.typmod() >= 0 ? type.typmod() : typmod);
    }
    if (type.category() == 'A' && type.element() != 0) {
      ValueType element = resolve(type.element(), typmod);
      ObjectNode schema = Json.object();
      schema.putArray("type").add("array");
      schema.set("items", element.propertySchema(true));
      return new ValueType(schema, TextValue.array(element.converter()), false);
    }
    if (type.kind() == 'e') {
      ObjectNode schema = typed("string");
      ArrayNode values = schema.putArray("enum");
      enumLabels.getOrDefault(oid, List.of()).forEach(values::add);
      return new ValueType(schema, TextValue.STRING, false);
    }
    return builtIn(type.name(), typmod);
  }

  private static ValueType builtIn(String name, int typmod) {
    switch (name) {
      case "int2":
        return integer(Short.MIN_VALUE, Short.MAX_VALUE);
      case "int4":
        return integer(Integer.MIN_VALUE, Integer.MAX_VALUE);
      case "int8":
        return integer(Long.MIN_VALUE, Long.MAX_VALUE);
      case "oid":
      case "xid":
        return integer(0, 4_294_967_295L);
      case "numeric": {
        ObjectNode schema = typed("number");
        if (typmod >= 4) {
          int precision = ((typmod - 4) >> 16) & 0xffff;
          int scale = (((typmod - 4) & 0x7ff) << 21) >> 21;
          schema.put("multipleOf", BigDecimal.ONE.scaleByPowerOfTen(-Math.max(scale, 0)));
          ObjectNode decimal = schema.putObject("x-singer.decimal");
          decimal.put("precision", precision);
          decimal.put("scale", scale);
        }
        return new ValueType(schema, TextValue.DECIMAL, true);
      }
      case "float4":
      case "float8":
        return new ValueType(typed("number"), TextValue.DECIMAL, true);
      case "bool":
        return new ValueType(typed("boolean"), TextValue.BOOLEAN, false);
      case "varchar":
      case "bpchar": {
        ObjectNode schema = typed("string");
        if (typmod >= 4) {
          schema.put("maxLength", typmod - 4);
        }
        return new ValueType(schema, TextValue.STRING, false);
      }
      case "date":
        return new ValueType(formatted("date"), TextValue.DATE, true);
      case "time":
      case "timetz":
        return new ValueType(formatted("time"), TextValue.STRING, false);
      case "timestamp":
        return new ValueType(formatted("date-time"), TextValue.TIMESTAMP, true);
      case "timestamptz":
        return new ValueType(formatted("date-time"), TextValue.TIMESTAMP_WITH_TIME_ZONE, true);
      case "uuid":
        return new ValueType(formatted("uuid"), TextValue.STRING, false);
      case "json":
      case "jsonb": {
        ObjectNode schema = Json.object();
        ArrayNode any = schema.putArray("type");
        for (String kind : new String[] {"null", "object", "array", "string", "number", "boolean"}) {
          any.add(kind);
        }
        return new ValueType(schema, TextValue.JSON, false);
      }
      case "bytea": {
        ObjectNode schema = typed("string");
        schema.put("contentEncoding", "base16");
        return new ValueType(schema, TextValue.BYTEA, false);
      }
      default:
        return text(typed("string"));
    }
  }

  private static ValueType text(ObjectNode schema) {
    if (!schema.has("type")) {
      schema.putArray("type").add("string");
    }
    return new ValueType(schema, TextValue.STRING, false);
  }

  private static ValueType integer(long minimum, long maximum) {
    ObjectNode schema = typed("integer");
    schema.put("minimum", minimum);
    schema.put("maximum", maximum);
    return new ValueType(schema, TextValue.INTEGER, true);
  }

  private static ObjectNode typed(String type) {
    ObjectNode schema = Json.object();
    schema.putArray("type").add(type);
    return schema;
  }

  private static ObjectNode formatted(String format) {
    ObjectNode schema = typed("string");
    schema.put("format", format);
    return schema;
  }
}
