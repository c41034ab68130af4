package dev.tapline.spec.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import dev.tapline.spec.Timestamps;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Binds a JSON config object to a settings record, reporting every problem at once.
 *
 * <p>Each record component is a setting named in {@code snake_case} (or by {@link Setting#name()}).
 * Supported types: {@code String}, the primitive numbers and booleans and their boxes, {@code
 * BigDecimal}, {@code BigInteger}, {@code char}, {@code URI}, {@code Path}, {@code Instant} (any
 * Singer timestamp or a date), {@code LocalDate}, {@code Duration} (seconds, or ISO-8601 like
 * {@code PT5M}), {@code Charset}, enums (by name in any case, {@code -} for {@code _}), {@code
 * List}, {@code Set}, {@code Map<String, T>}, {@code Optional<T>}, nested records, and Jackson
 * {@code JsonNode}s. Numbers and booleans may be given as strings (as environment variables are);
 * lists, maps and records may be given as JSON text.
 *
 * @param <S> the settings record
 */
public final class SettingsBinder<S extends Record> {

  private static final String MASK = "********";

  private final Class<S> type;
  private final List<SettingInfo> settings;

  private SettingsBinder(Class<S> type) {
    this.type = type;
    this.settings = describe(type);
  }

  public static <S extends Record> SettingsBinder<S> of(Class<S> type) {
    return new SettingsBinder<>(type);
  }

  /** The JSON keys this binder knows, aliases included. */
  public Set<String> keys() {
    Set<String> keys = new LinkedHashSet<>();
    settings.forEach(setting -> keys.addAll(setting.keys()));
    return keys;
  }

  /** The settings, in declaration order. */
  public List<SettingInfo> settings() {
    return settings;
  }

  /**
   * Binds a config object.
   *
   * @throws ConfigurationException listing every missing, unknown and mistyped setting
   */
  public S bind(JsonNode config) {
    return bind(config, Set.of());
  }

  /**
   * Binds a config object in which {@code otherKeys} belong to another settings record bound from
   * the same config (e.g. an SDK's own settings), so they are not reported as unknown.
   *
   * @throws ConfigurationException listing every missing, unknown and mistyped setting
   */
  public S bind(JsonNode config, Collection<String> otherKeys) {
    List<String> problems = new ArrayList<>();
    ObjectNode object = config instanceof ObjectNode o ? o : Json.object();
    if (config != null && !config.isObject() && !config.isNull() && !config.isMissingNode()) {
      throw new ConfigurationException("The config must be a JSON object of settings, not " + config.getNodeType());
    }
    ObjectNode own = object;
    if (!otherKeys.isEmpty()) {
      own = object.deepCopy();
      own.remove(otherKeys);
    }
    S bound = bindRecord(type, own, "", problems, true);
    if (!problems.isEmpty()) {
      throw new ConfigurationException("The config has " + problems.size()
          + (problems.size() == 1 ? " problem" : " problems"), problems);
    }
    return bound;
  }

  /** A copy of a config with the values of secret settings replaced by {@code ********}. */
  public ObjectNode redact(JsonNode config) {
    ObjectNode copy = config instanceof ObjectNode o ? o.deepCopy() : Json.object();
    for (SettingInfo setting : settings) {
      for (String key : setting.keys()) {
        if (setting.secret() && copy.has(key) && !copy.get(key).isNull()) {
          copy.put(key, MASK);
        }
      }
    }
    return copy;
  }

  /** The values of secret settings given in a config, so that logs can scrub them. */
  public List<String> secretValues(JsonNode config) {
    List<String> values = new ArrayList<>();
    if (config == null) {
      return values;
    }
    for (SettingInfo setting : settings) {
      for (String key : setting.keys()) {
        JsonNode value = config.get(key);
        if (setting.secret() && value != null && !value.isNull()) {
          String text = value.isTextual() ? value.textValue() : value.toString();
          if (!text.isEmpty()) {
            values.add(text);
          }
        }
      }
    }
    return values;
  }

  /**
   * Reads settings from environment variables named {@code PREFIX_SETTING} (upper case), e.g.
   * {@code TAP_CSV_FILES}. Values are kept as text; the binder converts them.
   */
  public ObjectNode fromEnvironment(String prefix, Map<String, String> environment) {
    ObjectNode config = Json.object();
    String normalized = prefix.toUpperCase(Locale.ROOT).replace('-', '_');
    for (SettingInfo setting : settings) {
      String variable = normalized + "_" + setting.name().toUpperCase(Locale.ROOT);
      String value = environment.get(variable);
      if (value != null) {
        config.put(setting.name(), value);
      }
    }
    return config;
  }

  /** The settings as a JSON Schema, for {@code --about}: no secret default is shown. */
  public ObjectNode jsonSchema() {
    return schemaOf(type);
  }

  private static ObjectNode schemaOf(Class<?> recordType) {
    ObjectNode schema = Json.object();
    schema.put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    ArrayNode required = Json.array();
    for (SettingInfo setting : describe(recordType)) {
      ObjectNode property = typeSchema(setting.javaType());
      if (!setting.description().isEmpty()) {
        property.put("description", setting.description());
      }
      if (setting.secret()) {
        property.put("secret", true);
        property.put("writeOnly", true);
      } else if (setting.defaultValue() != null) {
        property.set("default", setting.defaultValue());
      }
      if (!setting.aliases().isEmpty()) {
        ArrayNode aliases = property.putArray("aliases");
        setting.aliases().forEach(aliases::add);
      }
      properties.set(setting.name(), property);
      if (setting.required()) {
        required.add(setting.name());
      }
    }
    if (!required.isEmpty()) {
      schema.set("required", required);
    }
    schema.put("additionalProperties", false);
    return schema;
  }

  private static ObjectNode typeSchema(Type javaType) {
    ObjectNode schema = Json.object();
    Class<?> raw = rawClass(javaType);
    if (raw == String.class || raw == URI.class || raw == Path.class || raw == Charset.class
        || raw == char.class || raw == Character.class) {
      schema.put("type", "string");
      if (raw == URI.class) schema.put("format", "uri");
    } else if (raw == Instant.class) {
      schema.put("type", "string");
      schema.put("format", "date-time");
    } else if (raw == LocalDate.class) {
      schema.put("type", "string");
      schema.put("format", "date");
    } else if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class
        || raw == short.class || raw == Short.class || raw == BigInteger.class) {
      schema.put("type", "integer");
    } else if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class
        || raw == BigDecimal.class || raw == Duration.class) {
      schema.put("type", "number");
    } else if (raw == boolean.class || raw == Boolean.class) {
      schema.put("type", "boolean");
    } else if (raw.isEnum()) {
      schema.put("type", "string");
      ArrayNode values = schema.putArray("enum");
      for (Object constant : raw.getEnumConstants()) {
        values.add(enumName((Enum<?>) constant));
      }
    } else if (List.class.isAssignableFrom(raw) || Set.class.isAssignableFrom(raw)) {
      schema.put("type", "array");
      schema.set("items", typeSchema(typeArgument(javaType, 0)));
    } else if (Map.class.isAssignableFrom(raw)) {
      schema.put("type", "object");
      schema.set("additionalProperties", typeSchema(typeArgument(javaType, 1)));
    } else if (raw == Optional.class) {
      return typeSchema(typeArgument(javaType, 0));
    } else if (raw.isRecord()) {
      return schemaOf(raw);
    }
    return schema;
  }

  /** The JSON spelling of an enum constant: lower case with {@code -}, e.g. {@code append-only}. */
  public static String enumName(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  // ---- binding

  private static <R extends Record> R bindRecord(
      Class<R> recordType, ObjectNode config, String path, List<String> problems, boolean topLevel) {
    List<SettingInfo> infos = describe(recordType);
    Set<String> known = new LinkedHashSet<>();
    infos.forEach(info -> known.addAll(info.keys()));
    for (Iterator<String> names = config.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        String suggestion = closest(name, known);
        problems.add("unknown setting '" + path + name + "'"
            + (suggestion != null ? " (did you mean '" + path + suggestion + "'?)" : "")
            + "; known settings: " + String.join(", ", knownNames(infos)));
      }
    }
    Object[] arguments = new Object[infos.size()];
    Class<?>[] parameterTypes = new Class<?>[infos.size()];
    for (int i = 0; i < infos.size(); i++) {
      SettingInfo info = infos.get(i);
      parameterTypes[i] = rawClass(info.javaType());
      JsonNode value = null;
      for (String key : info.keys()) {
        JsonNode candidate = config.get(key);
        if (candidate != null && !candidate.isNull()) {
          value = candidate;
          break;
        }
      }
      if (value == null && info.defaultValue() != null) {
        value = info.defaultValue();
      }
      String where = path + info.name();
      if (value == null) {
        if (info.required()) {
          problems.add("missing required setting '" + where + "'"
              + (info.description().isEmpty() ? "" : " (" + info.description() + ")"));
        }
        arguments[i] = absent(info.javaType());
        continue;
      }
      arguments[i] = convert(value, info.javaType(), where, info.secret(), problems);
      if (arguments[i] == null) {
        arguments[i] = absent(info.javaType());
      }
    }
    try {
      Constructor<R> constructor = recordType.getDeclaredConstructor(parameterTypes);
      constructor.setAccessible(true);
      if (problems.isEmpty()) {
        return constructor.newInstance(arguments);
      }
      return null;
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      problems.add((path.isEmpty() ? "" : "'" + path.substring(0, path.length() - 1) + "': ")
          + (cause.getMessage() != null ? cause.getMessage() : cause.toString()));
      return null;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Cannot construct settings record " + recordType.getName(), e);
    }
  }

  private static List<String> knownNames(List<SettingInfo> infos) {
    return infos.stream().map(SettingInfo::name).collect(Collectors.toList());
  }

  private static Object absent(Type javaType) {
    Class<?> raw = rawClass(javaType);
    if (raw == Optional.class) return Optional.empty();
    if (raw == boolean.class) return false;
    if (raw == int.class) return 0;
    if (raw == long.class) return 0L;
    if (raw == double.class) return 0.0;
    if (raw == float.class) return 0.0f;
    if (raw == short.class) return (short) 0;
    if (raw == char.class) return '\0';
    return null;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object convert(JsonNode value, Type javaType, String where, boolean secret, List<String> problems) {
    Class<?> raw = rawClass(javaType);
    String shown = secret ? "(secret value)" : abbreviate(value);
    try {
      if (raw == Optional.class) {
        return Optional.ofNullable(convert(value, typeArgument(javaType, 0), where, secret, problems));
      }
      if (JsonNode.class.isAssignableFrom(raw)) {
        JsonNode node = value.isTextual() && raw != JsonNode.class ? Json.parse(value.textValue()) : value;
        if (!raw.isInstance(node)) {
          return mistyped(where, shown, "a JSON " + raw.getSimpleName().replace("Node", "").toLowerCase(Locale.ROOT), problems);
        }
        return node;
      }
      if (raw == String.class) {
        if (value.isContainerNode()) return mistyped(where, shown, "a string", problems);
        return value.asText();
      }
      if (raw == int.class || raw == Integer.class) return integral(value, where, shown, problems, Integer.MIN_VALUE, Integer.MAX_VALUE, "a whole number").map(BigInteger::intValue).orElse(null);
      if (raw == long.class || raw == Long.class) return integral(value, where, shown, problems, Long.MIN_VALUE, Long.MAX_VALUE, "a whole number").map(BigInteger::longValue).orElse(null);
      if (raw == short.class || raw == Short.class) return integral(value, where, shown, problems, Short.MIN_VALUE, Short.MAX_VALUE, "a whole number").map(BigInteger::shortValue).orElse(null);
      if (raw == BigInteger.class) return integral(value, where, shown, problems, null, null, "a whole number").orElse(null);
      if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class || raw == BigDecimal.class) {
        BigDecimal number = decimal(value);
        if (number == null) return mistyped(where, shown, "a number", problems);
        if (raw == BigDecimal.class) return number;
        return raw == float.class || raw == Float.class ? (Object) number.floatValue() : (Object) number.doubleValue();
      }
      if (raw == boolean.class || raw == Boolean.class) {
        if (value.isBoolean()) return value.booleanValue();
        if (value.isTextual()) {
          String text = value.textValue().trim().toLowerCase(Locale.ROOT);
          if (text.equals("true") || text.equals("1") || text.equals("yes")) return true;
          if (text.equals("false") || text.equals("0") || text.equals("no")) return false;
        }
        return mistyped(where, shown, "true or false", problems);
      }
      if (raw == char.class || raw == Character.class) {
        String text = value.asText();
        if (!value.isTextual() || text.length() != 1) {
          String unescaped = text.equals("\\t") ? "\t" : null;
          if (unescaped != null) return unescaped.charAt(0);
          return mistyped(where, shown, "a single character", problems);
        }
        return text.charAt(0);
      }
      if (raw == URI.class) {
        if (!value.isTextual()) return mistyped(where, shown, "a URI", problems);
        URI uri = new URI(value.textValue().trim());
        return uri;
      }
      if (raw == Path.class) {
        if (!value.isTextual()) return mistyped(where, shown, "a file path", problems);
        return Path.of(value.textValue());
      }
      if (raw == Charset.class) {
        if (!value.isTextual()) return mistyped(where, shown, "an encoding name such as utf-8", problems);
        return Charset.forName(value.textValue().trim());
      }
      if (raw == Instant.class) {
        if (!value.isTextual()) return mistyped(where, shown, "a timestamp such as 2024-01-31T00:00:00Z", problems);
        return Timestamps.parse(value.textValue());
      }
      if (raw == LocalDate.class) {
        if (!value.isTextual()) return mistyped(where, shown, "a date such as 2024-01-31", problems);
        return Timestamps.parseOffset(value.textValue()).toLocalDate();
      }
      if (raw == Duration.class) {
        BigDecimal seconds = decimal(value);
        if (seconds != null) return Duration.ofNanos(seconds.movePointRight(9).longValueExact());
        if (value.isTextual()) return Duration.parse(value.textValue().trim().toUpperCase(Locale.ROOT));
        return mistyped(where, shown, "a duration in seconds or ISO-8601 (PT5M)", problems);
      }
      if (raw.isEnum()) {
        if (!value.isTextual()) return mistyped(where, shown, "one of " + enumNames(raw), problems);
        String wanted = value.textValue().trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
        for (Object constant : raw.getEnumConstants()) {
          if (((Enum<?>) constant).name().equals(wanted)) return constant;
        }
        return mistyped(where, shown, "one of " + enumNames(raw), problems);
      }
      if (List.class.isAssignableFrom(raw) || Set.class.isAssignableFrom(raw)) {
        JsonNode array = value.isTextual() ? parseOrSplit(value.textValue()) : value;
        if (!array.isArray()) return mistyped(where, shown, "a list", problems);
        Type item = typeArgument(javaType, 0);
        Collection<Object> items = Set.class.isAssignableFrom(raw) ? new LinkedHashSet<>() : new ArrayList<>();
        int before = problems.size();
        for (int i = 0; i < array.size(); i++) {
          items.add(convert(array.get(i), item, where + "[" + i + "]", secret, problems));
        }
        if (problems.size() > before) return null;
        return Set.class.isAssignableFrom(raw) ? Set.copyOf(items) : List.copyOf(items);
      }
      if (Map.class.isAssignableFrom(raw)) {
        JsonNode object = value.isTextual() ? Json.parse(value.textValue()) : value;
        if (!object.isObject()) return mistyped(where, shown, "an object", problems);
        Type item = typeArgument(javaType, 1);
        Map<String, Object> map = new LinkedHashMap<>();
        object.fields().forEachRemaining(field ->
            map.put(field.getKey(), convert(field.getValue(), item, where + "." + field.getKey(), secret, problems)));
        return java.util.Collections.unmodifiableMap(map);
      }
      if (raw.isRecord()) {
        JsonNode object = value.isTextual() ? Json.parse(value.textValue()) : value;
        if (!object.isObject()) return mistyped(where, shown, "an object", problems);
        return bindRecord((Class<? extends Record>) raw, (ObjectNode) object, where + ".", problems, false);
      }
      throw new IllegalStateException("Settings of type " + javaType + " are not supported (" + where + ")");
    } catch (IllegalStateException e) {
      throw e;
    } catch (Exception e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (secret) reason = "not valid";
      problems.add("setting '" + where + "' has a value that cannot be used: " + shown + " (" + reason + ")");
      return null;
    }
  }

  private static JsonNode parseOrSplit(String text) {
    String trimmed = text.trim();
    if (trimmed.startsWith("[")) {
      return Json.parse(trimmed);
    }
    ArrayNode array = Json.array();
    if (!trimmed.isEmpty()) {
      Arrays.stream(trimmed.split(",")).map(String::trim).forEach(array::add);
    }
    return array;
  }

  private static Object mistyped(String where, String shown, String expected, List<String> problems) {
    problems.add("setting '" + where + "' must be " + expected + ", not " + shown);
    return null;
  }

  private static Optional<BigInteger> integral(
      JsonNode value, String where, String shown, List<String> problems, Number min, Number max, String expected) {
    BigDecimal number = decimal(value);
    if (number == null || number.stripTrailingZeros().scale() > 0) {
      mistyped(where, shown, expected, problems);
      return Optional.empty();
    }
    BigInteger whole = number.toBigIntegerExact();
    if ((min != null && whole.compareTo(BigInteger.valueOf(min.longValue())) < 0)
        || (max != null && whole.compareTo(BigInteger.valueOf(max.longValue())) > 0)) {
      problems.add("setting '" + where + "' is out of range: " + shown);
      return Optional.empty();
    }
    return Optional.of(whole);
  }

  private static BigDecimal decimal(JsonNode value) {
    if (value.isNumber()) {
      return value.decimalValue();
    }
    if (value.isTextual()) {
      try {
        return new BigDecimal(value.textValue().trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static String enumNames(Class<?> raw) {
    return Arrays.stream(raw.getEnumConstants())
        .map(c -> enumName((Enum<?>) c))
        .collect(Collectors.joining(", "));
  }

  private static String abbreviate(JsonNode value) {
    // Json.write rather than toString, which starts Jackson's own mapper (~0.1 s at start-up)
    String text = value.isTextual() ? "\"" + value.textValue() + "\"" : Json.write(value);
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }

  private static String closest(String name, Set<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int distance = distance(name.toLowerCase(Locale.ROOT), candidate);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = candidate;
      }
    }
    return bestDistance <= Math.max(2, name.length() / 3) ? best : null;
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) previous[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  // ---- describing

  private static List<SettingInfo> describe(Class<?> recordType) {
    if (!recordType.isRecord()) {
      throw new IllegalArgumentException(recordType.getName() + " is not a record");
    }
    List<SettingInfo> infos = new ArrayList<>();
    for (RecordComponent component : recordType.getRecordComponents()) {
      Setting setting = component.getAnnotation(Setting.class);
      String name = setting != null && !setting.name().isEmpty() ? setting.name() : snakeCase(component.getName());
      String description = setting != null ? setting.description() : "";
      boolean secret = setting != null && setting.secret();
      JsonNode defaultValue = setting != null && !setting.defaultValue().isEmpty()
          ? defaultNode(setting.defaultValue()) : null;
      boolean optionalType = component.getType() == Optional.class;
      boolean required = (setting == null || setting.required()) && defaultValue == null && !optionalType;
      List<String> aliases = setting == null ? List.of() : List.of(setting.aliases());
      infos.add(new SettingInfo(name, component.getGenericType(), description, required, secret, defaultValue, aliases));
    }
    return List.copyOf(infos);
  }

  private static final java.util.regex.Pattern INTEGER = java.util.regex.Pattern.compile("-?(0|[1-9][0-9]{0,17})");
  private static final java.util.regex.Pattern NUMBER =
      java.util.regex.Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

  /**
   * A default as the JSON it reads as ({@code 100}, {@code true}, {@code {"a":1}}), else as text
   * ({@code tapline.duckdb}, {@code 48MB}). The usual defaults, whole numbers, booleans and plain
   * text, are told apart without the JSON parser: a run binds its settings first thing, before the
   * parser is warm, and a text default made it throw (some 30 ms of a target's start).
   */
  static JsonNode defaultNode(String text) {
    switch (text) {
      case "true":
        return Json.NODES.booleanNode(true);
      case "false":
        return Json.NODES.booleanNode(false);
      case "null":
        return Json.NODES.nullNode();
      default:
        break;
    }
    if (INTEGER.matcher(text).matches()) {
      long value = Long.parseLong(text);
      return value == (int) value ? Json.NODES.numberNode((int) value) : Json.NODES.numberNode(value);
    }
    char first = text.charAt(0);
    if (NUMBER.matcher(text).matches() || first == '{' || first == '[' || first == '"') {
      try {
        return Json.parse(text);
      } catch (Exception notJson) {
        // {not json: text after all
      }
    }
    return Json.NODES.textNode(text);
  }

  /** {@code startDate} becomes {@code start_date}. */
  public static String snakeCase(String camel) {
    StringBuilder out = new StringBuilder(camel.length() + 4);
    for (int i = 0; i < camel.length(); i++) {
      char c = camel.charAt(i);
      if (Character.isUpperCase(c)) {
        if (i > 0 && (!Character.isUpperCase(camel.charAt(i - 1))
            || (i + 1 < camel.length() && Character.isLowerCase(camel.charAt(i + 1))))) {
          out.append('_');
        }
        out.append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static Class<?> rawClass(Type type) {
    if (type instanceof Class<?> c) return c;
    if (type instanceof ParameterizedType p) return (Class<?>) p.getRawType();
    return Object.class;
  }

  private static Type typeArgument(Type type, int index) {
    if (type instanceof ParameterizedType p && p.getActualTypeArguments().length > index) {
      return p.getActualTypeArguments()[index];
    }
    return String.class;
  }

  /**
   * One setting.
   *
   * @param name the JSON key
   * @param javaType the component's type
   * @param description what it is for
   * @param required whether the config must give it
   * @param secret whether it is a secret
   * @param defaultValue the default as JSON, or null
   * @param aliases other accepted keys
   */
  public record SettingInfo(
      String name, Type javaType, String description, boolean required, boolean secret,
      JsonNode defaultValue, List<String> aliases) {

    /** The name and the aliases. */
    public List<String> keys() {
      List<String> keys = new ArrayList<>(1 + aliases.size());
      keys.add(name);
      keys.addAll(aliases);
      return keys;
    }
  }
}
