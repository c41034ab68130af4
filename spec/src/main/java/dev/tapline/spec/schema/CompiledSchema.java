package dev.tapline.spec.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tapline.spec.Timestamps;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A JSON Schema compiled for fast record validation: the keywords Singer schemas use (type, null,
 * properties, required, additionalProperties, items, enum, const, bounds, multipleOf, lengths,
 * pattern, format, anyOf/oneOf/allOf/not). {@link #valid} allocates nothing on the happy path;
 * {@link #explain} names every problem with its JSON path, and runs only for invalid records.
 * Numbers are compared as decimals. A schema with other keywords is not compiled here ({@link
 * #supports} says so) and {@link RecordValidator} falls back to a complete validator.
 */
final class CompiledSchema {

  private static final int STRING = SchemaKeywords.STRING;
  private static final int INTEGER = SchemaKeywords.INTEGER;
  private static final int NUMBER = SchemaKeywords.NUMBER;
  private static final int BOOLEAN = SchemaKeywords.BOOLEAN;
  private static final int NULL = SchemaKeywords.NULL;
  private static final int OBJECT = SchemaKeywords.OBJECT;
  private static final int ARRAY = SchemaKeywords.ARRAY;

  private static final Set<String> ASSERTIONS = Set.of(
      "type", "properties", "required", "additionalProperties", "items", "enum", "const",
      "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength",
      "maxLength", "pattern", "format", "anyOf", "oneOf", "allOf", "not", "minItems", "maxItems");

  private static boolean known(String keyword) {
    return ASSERTIONS.contains(keyword) || SchemaKeywords.ANNOTATIONS.contains(keyword);
  }

  private enum Format { NONE, DATE_TIME, DATE, TIME }

  private int types;
  private Map<String, CompiledSchema> properties;
  /** The properties in schema order, for the positional lookup of {@link #checkObject}. */
  private String[] propertyNames;
  private CompiledSchema[] propertySchemas;
  private String[] required;
  private boolean additionalForbidden;
  private CompiledSchema additional;
  private CompiledSchema items;
  private List<JsonNode> enumValues;
  private BigDecimal minimum;
  private BigDecimal maximum;
  private boolean exclusiveMinimum;
  private boolean exclusiveMaximum;
  private BigDecimal multipleOf;
  private boolean multipleOfIsPowerOfTen;
  private int minLength = -1;
  private int maxLength = -1;
  private Pattern pattern;
  private Format format = Format.NONE;
  private List<CompiledSchema> anyOf;
  private List<CompiledSchema> oneOf;
  private List<CompiledSchema> allOf;
  private CompiledSchema not;
  private int minItems = -1;
  private int maxItems = -1;
  private boolean alwaysFalse;

  private CompiledSchema() {}

  /** Whether every keyword of the schema (at any depth) is one this class checks. */
  static boolean supports(JsonNode schema) {
    if (schema.isBoolean()) {
      return true;
    }
    if (!schema.isObject()) {
      return false;
    }
    for (Iterator<Map.Entry<String, JsonNode>> fields = schema.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = field.getKey();
      JsonNode value = field.getValue();
      if (!known(key)) {
        return false;
      }
      switch (key) {
        case "properties" -> {
          if (!value.isObject()) return false;
          for (JsonNode child : value) if (!supports(child)) return false;
        }
        case "additionalProperties", "not" -> {
          if (!value.isBoolean() && !supports(value)) return false;
        }
        case "items" -> {
          if (!value.isObject() && !value.isBoolean()) return false;
          if (!supports(value)) return false;
        }
        case "anyOf", "oneOf", "allOf" -> {
          if (!value.isArray()) return false;
          for (JsonNode child : value) if (!supports(child)) return false;
        }
        case "pattern" -> {
          if (!value.isTextual()) return false;
        }
        default -> { }
      }
    }
    return true;
  }

  static CompiledSchema compile(JsonNode schema) {
    CompiledSchema compiled = new CompiledSchema();
    if (schema.isBoolean()) {
      compiled.alwaysFalse = !schema.booleanValue();
      return compiled;
    }
    JsonNode type = schema.get("type");
    if (type != null) {
      if (type.isTextual()) {
        compiled.types = typeBit(type.textValue());
      } else if (type.isArray()) {
        for (JsonNode item : type) compiled.types |= typeBit(item.asText());
      }
    }
    JsonNode properties = schema.get("properties");
    if (properties != null && properties.size() > 0) {
      compiled.properties = new HashMap<>();
      properties.fields().forEachRemaining(p -> compiled.properties.put(p.getKey(), compile(p.getValue())));
      compiled.propertyNames = new String[properties.size()];
      compiled.propertySchemas = new CompiledSchema[properties.size()];
      int index = 0;
      for (Iterator<String> names = properties.fieldNames(); names.hasNext(); index++) {
        String name = names.next();
        compiled.propertyNames[index] = name;
        compiled.propertySchemas[index] = compiled.properties.get(name);
      }
    }
    JsonNode required = schema.get("required");
    if (required != null && required.isArray() && required.size() > 0) {
      compiled.required = new String[required.size()];
      for (int i = 0; i < required.size(); i++) compiled.required[i] = required.get(i).asText().intern();
    }
    JsonNode additional = schema.get("additionalProperties");
    if (additional != null) {
      if (additional.isBoolean()) {
        compiled.additionalForbidden = !additional.booleanValue();
      } else {
        compiled.additional = compile(additional);
      }
    }
    JsonNode items = schema.get("items");
    if (items != null) compiled.items = compile(items);
    JsonNode enumNode = schema.get("enum");
    if (enumNode != null && enumNode.isArray()) {
      compiled.enumValues = new ArrayList<>();
      enumNode.forEach(compiled.enumValues::add);
    }
    JsonNode constNode = schema.get("const");
    if (constNode != null) compiled.enumValues = List.of(constNode);
    JsonNode minimum = schema.get("minimum");
    JsonNode maximum = schema.get("maximum");
    JsonNode exclusiveMinimum = schema.get("exclusiveMinimum");
    JsonNode exclusiveMaximum = schema.get("exclusiveMaximum");
    if (minimum != null && minimum.isNumber()) compiled.minimum = minimum.decimalValue();
    if (maximum != null && maximum.isNumber()) compiled.maximum = maximum.decimalValue();
    if (exclusiveMinimum != null) {
      if (exclusiveMinimum.isBoolean()) {
        compiled.exclusiveMinimum = exclusiveMinimum.booleanValue();
      } else if (exclusiveMinimum.isNumber()) {
        compiled.minimum = exclusiveMinimum.decimalValue();
        compiled.exclusiveMinimum = true;
      }
    }
    if (exclusiveMaximum != null) {
      if (exclusiveMaximum.isBoolean()) {
        compiled.exclusiveMaximum = exclusiveMaximum.booleanValue();
      } else if (exclusiveMaximum.isNumber()) {
        compiled.maximum = exclusiveMaximum.decimalValue();
        compiled.exclusiveMaximum = true;
      }
    }
    JsonNode multipleOf = schema.get("multipleOf");
    if (multipleOf != null && multipleOf.isNumber() && multipleOf.decimalValue().signum() > 0) {
      compiled.multipleOf = multipleOf.decimalValue();
      compiled.multipleOfIsPowerOfTen = compiled.multipleOf.unscaledValue().equals(java.math.BigInteger.ONE);
    }
    if (schema.path("minLength").canConvertToInt()) compiled.minLength = schema.get("minLength").intValue();
    if (schema.path("maxLength").canConvertToInt()) compiled.maxLength = schema.get("maxLength").intValue();
    if (schema.path("minItems").canConvertToInt()) compiled.minItems = schema.get("minItems").intValue();
    if (schema.path("maxItems").canConvertToInt()) compiled.maxItems = schema.get("maxItems").intValue();
    JsonNode pattern = schema.get("pattern");
    if (pattern != null) compiled.pattern = Pattern.compile(pattern.textValue());
    switch (schema.path("format").asText("")) {
      case "date-time" -> compiled.format = Format.DATE_TIME;
      case "date" -> compiled.format = Format.DATE;
      case "time" -> compiled.format = Format.TIME;
      default -> compiled.format = Format.NONE;
    }
    compiled.anyOf = compileAll(schema.get("anyOf"));
    compiled.oneOf = compileAll(schema.get("oneOf"));
    compiled.allOf = compileAll(schema.get("allOf"));
    JsonNode not = schema.get("not");
    if (not != null) compiled.not = compile(not);
    return compiled;
  }

  private static List<CompiledSchema> compileAll(JsonNode list) {
    if (list == null || !list.isArray()) return null;
    List<CompiledSchema> compiled = new ArrayList<>();
    list.forEach(item -> compiled.add(compile(item)));
    return compiled;
  }

  private static int typeBit(String type) {
    return SchemaKeywords.typeBit(type);
  }

  private static int typeOf(JsonNode value) {
    // type tests of the usual node classes first: cheaper than the (megamorphic) virtual calls below
    if (value instanceof TextNode) return STRING;
    if (value instanceof IntNode || value instanceof LongNode) return INTEGER | NUMBER;
    if (value instanceof DecimalNode) return NUMBER;
    if (value instanceof NullNode) return NULL;
    switch (value.getNodeType()) {
      case STRING: return STRING;
      case NUMBER: return value.isIntegralNumber() ? INTEGER | NUMBER : NUMBER;
      case BOOLEAN: return BOOLEAN;
      case OBJECT: return OBJECT;
      case ARRAY: return ARRAY;
      default: return NULL;
    }
  }

  /** True when the value is valid; allocates nothing for valid flat records. */
  boolean valid(JsonNode value) {
    return check(value, null, null);
  }

  /** Every problem of an invalid value, each starting with its JSON path ({@code $.a.b}). */
  List<String> explain(JsonNode value) {
    List<String> problems = new ArrayList<>();
    check(value, "$", problems);
    return problems;
  }

  /**
   * Checks a value. With {@code problems == null} it stops at the first problem and returns false;
   * otherwise it records every problem under {@code path}.
   */
  private boolean check(JsonNode value, String path, List<String> problems) {
    if (alwaysFalse) {
      return fail(problems, path, "no value is allowed here");
    }
    int actual = typeOf(value);
    if (types != 0 && (types & actual) == 0 && !(actual == NUMBER && (types & INTEGER) != 0 && isWhole(value))) {
      return fail(problems, path, describe(actual) + " found, " + describe(types) + " expected");
    }
    boolean ok = true;
    switch (actual & ~INTEGER) {
      case STRING -> ok = checkString(value.textValue(), path, problems);
      case NUMBER -> ok = checkNumber(value, path, problems);
      case OBJECT -> ok = checkObject(value, path, problems);
      case ARRAY -> ok = checkArray(value, path, problems);
      default -> { }
    }
    if (!ok && problems == null) return false;
    if (enumValues != null && !inEnum(value)) {
      ok = fail(problems, path, "does not have a value in the enumeration " + enumValues);
      if (problems == null) return false;
    }
    if (anyOf != null) {
      boolean any = false;
      for (CompiledSchema branch : anyOf) {
        if (branch.valid(value)) { any = true; break; }
      }
      if (!any) {
        ok = fail(problems, path, "matches none of the anyOf schemas");
        if (problems == null) return false;
      }
    }
    if (oneOf != null) {
      int matches = 0;
      for (CompiledSchema branch : oneOf) if (branch.valid(value)) matches++;
      if (matches != 1) {
        ok = fail(problems, path, "matches " + matches + " of the oneOf schemas, not exactly one");
        if (problems == null) return false;
      }
    }
    if (allOf != null) {
      for (CompiledSchema branch : allOf) {
        if (!branch.check(value, path, problems)) {
          ok = false;
          if (problems == null) return false;
        }
      }
    }
    if (not != null && not.valid(value)) {
      ok = fail(problems, path, "must not match the \"not\" schema");
    }
    return ok;
  }

  /** A decimal such as {@code 3.0} is an integer (JSON Schema draft 6 and later). */
  private static boolean isWhole(JsonNode value) {
    BigDecimal decimal = value.decimalValue();
    return decimal.signum() == 0 || decimal.scale() <= 0 || decimal.stripTrailingZeros().scale() <= 0;
  }

  private boolean checkString(String text, String path, List<String> problems) {
    boolean ok = true;
    if (minLength >= 0 || maxLength >= 0) {
      int length = text.codePointCount(0, text.length());
      if (minLength >= 0 && length < minLength) {
        ok = fail(problems, path, "must be at least " + minLength + " characters long");
      }
      if (maxLength >= 0 && length > maxLength) {
        ok = fail(problems, path, "may be at most " + maxLength + " characters long, not " + length);
      }
    }
    if (pattern != null && !pattern.matcher(text).find()) {
      ok = fail(problems, path, "does not match the pattern " + pattern.pattern());
    }
    switch (format) {
      case DATE_TIME -> {
        if (!Timestamps.isTimestamp(text)) {
          ok = fail(problems, path, "\"" + abbreviate(text) + "\" is not a date-time (RFC 3339, e.g. 2024-01-31T12:00:00Z)");
        }
      }
      case DATE -> {
        if (!Timestamps.isDate(text)) {
          ok = fail(problems, path, "\"" + abbreviate(text) + "\" is not a date (e.g. 2024-01-31)");
        }
      }
      case TIME -> {
        if (!Timestamps.isTime(text)) {
          ok = fail(problems, path, "\"" + abbreviate(text) + "\" is not a time (e.g. 12:00:00)");
        }
      }
      default -> { }
    }
    return ok;
  }

  private boolean checkNumber(JsonNode value, String path, List<String> problems) {
    if (minimum == null && maximum == null && multipleOf == null) {
      return true;
    }
    BigDecimal number = value.decimalValue();
    boolean ok = true;
    if (minimum != null) {
      int comparison = number.compareTo(minimum);
      if (comparison < 0 || (exclusiveMinimum && comparison == 0)) {
        ok = fail(problems, path, "must be " + (exclusiveMinimum ? "greater than " : "at least ") + minimum.toPlainString());
      }
    }
    if (maximum != null) {
      int comparison = number.compareTo(maximum);
      if (comparison > 0 || (exclusiveMaximum && comparison == 0)) {
        ok = fail(problems, path, "must be " + (exclusiveMaximum ? "less than " : "at most ") + maximum.toPlainString());
      }
    }
    if (multipleOf != null && !isMultiple(number)) {
      ok = fail(problems, path, "must be a multiple of " + multipleOf.toPlainString());
    }
    return ok;
  }

  /** Whether the number is a multiple of {@link #multipleOf}; without division for 0.01-like steps. */
  private boolean isMultiple(BigDecimal number) {
    if (multipleOfIsPowerOfTen && number.scale() <= multipleOf.scale()) {
      return true;
    }
    return number.remainder(multipleOf).signum() == 0;
  }

  private boolean checkObject(JsonNode object, String path, List<String> problems) {
    boolean ok = true;
    if (required != null) {
      for (String name : required) {
        if (!object.has(name)) {
          ok = fail(problems, path, "required property '" + name + "' is missing");
          if (problems == null) return false;
        }
      }
    }
    if (properties == null && !additionalForbidden && additional == null) {
      return ok;
    }
    int position = 0;
    for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); position++) {
      Map.Entry<String, JsonNode> field = fields.next();
      CompiledSchema property = null;
      if (properties != null) {
        // records usually list their fields in schema order, with the same canonical name instances
        String name = field.getKey();
        property = position < propertyNames.length && propertyNames[position] == name
            ? propertySchemas[position] : properties.get(name);
      }
      if (property == null) {
        if (additionalForbidden) {
          ok = fail(problems, path, "property '" + field.getKey() + "' is not defined in the schema and the schema does not allow additional properties");
          if (problems == null) return false;
          continue;
        }
        property = additional;
        if (property == null) continue;
      }
      String childPath = problems == null ? null : path + "." + field.getKey();
      if (!property.check(field.getValue(), childPath, problems)) {
        ok = false;
        if (problems == null) return false;
      }
    }
    return ok;
  }

  private boolean checkArray(JsonNode array, String path, List<String> problems) {
    boolean ok = true;
    if (minItems >= 0 && array.size() < minItems) ok = fail(problems, path, "must have at least " + minItems + " items");
    if (maxItems >= 0 && array.size() > maxItems) ok = fail(problems, path, "may have at most " + maxItems + " items");
    if (!ok && problems == null) return false;
    if (items != null) {
      for (int i = 0; i < array.size(); i++) {
        String childPath = problems == null ? null : path + "[" + i + "]";
        if (!items.check(array.get(i), childPath, problems)) {
          ok = false;
          if (problems == null) return false;
        }
      }
    }
    return ok;
  }

  private boolean inEnum(JsonNode value) {
    for (JsonNode candidate : enumValues) {
      if (candidate.equals(value)) return true;
      if (candidate.isNumber() && value.isNumber() && candidate.decimalValue().compareTo(value.decimalValue()) == 0) {
        return true;
      }
    }
    return false;
  }

  private static boolean fail(List<String> problems, String path, String message) {
    if (problems != null) {
      problems.add(path + ": " + message);
    }
    return false;
  }

  private static String describe(int typeBits) {
    List<String> names = new ArrayList<>();
    if ((typeBits & STRING) != 0) names.add("string");
    if ((typeBits & NUMBER) != 0) names.add("number");
    else if ((typeBits & INTEGER) != 0) names.add("integer");
    if ((typeBits & BOOLEAN) != 0) names.add("boolean");
    if ((typeBits & OBJECT) != 0) names.add("object");
    if ((typeBits & ARRAY) != 0) names.add("array");
    if ((typeBits & NULL) != 0) names.add("null");
    return String.join(" or ", names);
  }

  private static String abbreviate(String text) {
    return text.length() > 60 ? text.substring(0, 60) + "..." : text;
  }
}
