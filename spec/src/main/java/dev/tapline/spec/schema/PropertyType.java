package dev.tapline.spec.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a JSON Schema says a property holds, reduced to what a destination needs for a column.
 *
 * <ul>
 *   <li>{@code "type"} as a string or a list; {@code "null"} in it makes the property nullable;
 *       {@code anyOf}/{@code oneOf} branches are combined the same way.
 *   <li>strings with {@code format} {@code date-time}, {@code date} or {@code time} are {@link
 *       Kind#DATE_TIME}, {@link Kind#DATE}, {@link Kind#TIME}.
 *   <li>exact decimals: a number with {@code "x-singer.decimal": {"precision": p, "scale": s}} (or
 *       {@code "singer.decimal"}), a string with {@code "format": "singer.decimal"} (optionally with
 *       {@code "additionalProperties": {"scale_precision": "(p,s)"}}), or a number with {@code
 *       multipleOf} (its scale becomes the column's scale).
 *   <li>{@code integer} together with {@code number} is a number; any other mix of kinds, and a
 *       property without a type, is {@link Kind#JSON} ({@link #union()} tells which).
 * </ul>
 *
 * @param kind the kind of value
 * @param nullable whether null is allowed
 * @param precision total digits of an exact decimal, or null
 * @param scale digits after the point of an exact decimal, or null
 * @param maxLength the longest string, or null
 * @param union true when the schema allows several kinds (or none was said)
 * @param decimalAsString true for {@code singer.decimal} strings
 */
public record PropertyType(
    Kind kind,
    boolean nullable,
    Integer precision,
    Integer scale,
    Integer maxLength,
    boolean union,
    boolean decimalAsString) {

  /** The kinds of property values. */
  public enum Kind {
    STRING,
    INTEGER,
    NUMBER,
    BOOLEAN,
    DATE,
    TIME,
    DATE_TIME,
    OBJECT,
    ARRAY,
    /** Several kinds, or unknown: kept as JSON. */
    JSON
  }

  /** Reads the type of one property's schema. */
  public static PropertyType of(JsonNode schema) {
    Collector collector = new Collector();
    collector.add(schema);
    return collector.result();
  }

  private static final class Collector {
    private final Set<Kind> kinds = EnumSet.noneOf(Kind.class);
    private boolean nullable;
    private boolean typeless;
    private Integer precision;
    private Integer scale;
    private Integer maxLength;
    private boolean decimalAsString;

    void add(JsonNode schema) {
      if (schema == null || !schema.isObject()) {
        typeless = true;
        return;
      }
      boolean sawBranches = false;
      for (String combinator : new String[] {"anyOf", "oneOf"}) {
        JsonNode branches = schema.get(combinator);
        if (branches != null && branches.isArray()) {
          sawBranches = true;
          branches.forEach(this::add);
        }
      }
      JsonNode allOf = schema.get("allOf");
      if (allOf != null && allOf.isArray() && allOf.size() == 1) {
        sawBranches = true;
        add(allOf.get(0));
      }
      JsonNode type = schema.get("type");
      if (type == null) {
        if (!sawBranches) {
          if (schema.has("properties")) {
            kinds.add(Kind.OBJECT);
          } else if (schema.has("items")) {
            kinds.add(Kind.ARRAY);
          } else {
            typeless = true;
          }
        }
        return;
      }
      if (type.isTextual()) {
        addType(type.textValue(), schema);
      } else if (type.isArray()) {
        type.forEach(t -> addType(t.asText(), schema));
      }
    }

    private void addType(String type, JsonNode schema) {
      String format = schema.path("format").asText("");
      switch (type) {
        case "null" -> nullable = true;
        case "string" -> {
          switch (format) {
            case "date-time" -> kinds.add(Kind.DATE_TIME);
            case "date" -> kinds.add(Kind.DATE);
            case "time" -> kinds.add(Kind.TIME);
            case "singer.decimal" -> {
              kinds.add(Kind.NUMBER);
              decimalAsString = true;
              decimalHints(schema);
            }
            default -> {
              kinds.add(Kind.STRING);
              JsonNode length = schema.get("maxLength");
              if (length != null && length.canConvertToInt()) {
                maxLength = length.intValue();
              }
            }
          }
        }
        case "integer" -> kinds.add(Kind.INTEGER);
        case "number" -> {
          kinds.add(Kind.NUMBER);
          decimalHints(schema);
        }
        case "boolean" -> kinds.add(Kind.BOOLEAN);
        case "object" -> kinds.add(Kind.OBJECT);
        case "array" -> kinds.add(Kind.ARRAY);
        default -> typeless = true;
      }
    }

    private void decimalHints(JsonNode schema) {
      for (String hint : new String[] {"x-singer.decimal", "singer.decimal"}) {
        JsonNode decimal = schema.get(hint);
        if (decimal != null && decimal.isObject()) {
          if (decimal.path("precision").canConvertToInt()) {
            precision = decimal.get("precision").intValue();
          }
          if (decimal.path("scale").canConvertToInt()) {
            scale = decimal.get("scale").intValue();
          }
        }
      }
      JsonNode scalePrecision = schema.path("additionalProperties").get("scale_precision");
      if (scalePrecision != null && scalePrecision.isTextual()) {
        String[] parts = scalePrecision.textValue().replaceAll("[()\\s]", "").split(",");
        try {
          if (parts.length >= 1 && !parts[0].isEmpty()) precision = Integer.parseInt(parts[0]);
          if (parts.length >= 2) scale = Integer.parseInt(parts[1]);
        } catch (NumberFormatException ignored) {
          // an unreadable hint is no hint
        }
      }
      JsonNode multipleOf = schema.get("multipleOf");
      if (scale == null && multipleOf != null && multipleOf.isNumber()) {
        BigDecimal step = multipleOf.decimalValue().stripTrailingZeros();
        if (step.signum() > 0 && step.scale() > 0) {
          scale = step.scale();
        } else if (step.signum() > 0) {
          scale = 0;
        }
      }
    }

    PropertyType result() {
      if (kinds.contains(Kind.NUMBER)) {
        kinds.remove(Kind.INTEGER);
      }
      if (typeless || kinds.size() != 1) {
        return new PropertyType(Kind.JSON, true, null, null, null, true, false);
      }
      Kind kind = kinds.iterator().next();
      return new PropertyType(
          kind,
          nullable,
          kind == Kind.NUMBER ? precision : null,
          kind == Kind.NUMBER ? scale : null,
          kind == Kind.STRING ? maxLength : null,
          false,
          kind == Kind.NUMBER && decimalAsString);
    }
  }
}
