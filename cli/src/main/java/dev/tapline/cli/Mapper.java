package dev.tapline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.ActivateVersionMessage;
import dev.tapline.spec.BatchMessage;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import dev.tapline.spec.Message;
import dev.tapline.spec.MessageWriter;
import dev.tapline.spec.RecordMessage;
import dev.tapline.spec.SchemaMessage;
import dev.tapline.spec.StateMessage;
import dev.tapline.spec.TaplineException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.JexlContext;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlScript;
import org.apache.commons.jexl3.introspection.JexlPermissions;

/**
 * The Singer filter behind {@code tapline map}: reads messages, rewrites those of mapped streams,
 * writes the rest as they came. Expressions are compiled once, when the mapper starts; per record
 * there is one evaluation per filter or computed property and a few node operations.
 *
 * <p>Order within a record: the filter and the computed properties see the record as the tap sent
 * it (so a domain can be computed from an e-mail that is then hashed); then properties are dropped,
 * hashed, masked and renamed; then computed properties are added. STATE messages pass unchanged:
 * bookmarks belong to the tap's stream names.
 *
 * <p>Not thread-safe: one mapper per process, on the main thread.
 */
final class Mapper {

  /** Counts of one output stream. */
  static final class Counts {
    long records;
    long bytes;
    long filtered;
  }

  private final MapperConfig config;
  private final Map<String, CompiledStream> compiled = new HashMap<>();
  private final Map<String, Counts> counts = new LinkedHashMap<>();
  private final MessageDigest sha256;
  private final byte[] salt;

  Mapper(MapperConfig config) {
    this.config = config;
    this.salt = config.hashSalt().getBytes(StandardCharsets.UTF_8);
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    JexlEngine jexl = new JexlBuilder()
        .permissions(JexlPermissions.RESTRICTED)
        .strict(false)
        .safe(true)
        .silent(false)
        .cache(64)
        .create();
    List<String> problems = new ArrayList<>();
    config.streams().forEach((stream, mapping) -> {
      JexlScript filter = compile(jexl, mapping.filter(), "streams." + stream + ".filter", problems);
      List<JexlScript> computed = new ArrayList<>();
      for (MapperConfig.Computed item : mapping.added()) {
        computed.add(compile(jexl, item.expression(), "streams." + stream + ".add." + item.name(), problems));
      }
      compiled.put(stream, new CompiledStream(mapping, filter, computed));
    });
    if (!problems.isEmpty()) {
      throw new ConfigurationException("The mapper's expressions do not compile: " + String.join("; ", problems) + ".");
    }
  }

  private static JexlScript compile(JexlEngine jexl, String text, String path, List<String> problems) {
    if (text == null) {
      return null;
    }
    try {
      return jexl.createScript(text);
    } catch (JexlException e) {
      problems.add(path + ": " + e.getMessage());
      return null;
    }
  }

  /** A stream's mapping with its expressions compiled. */
  record CompiledStream(MapperConfig.StreamMapping mapping, JexlScript filter, List<JexlScript> computed) {}

  /** Maps one message (of any type) to {@code writer}. */
  void handle(Message message, MessageWriter writer, RecordContext context, long lineNumber, long lineBytes) {
    {
      if (message instanceof RecordMessage record) {
        CompiledStream stream = compiled.get(record.stream());
        if (stream == null) {
          count(record.stream(), lineBytes);
          writer.writeRecord(record.stream(), record.record(), record.timeExtracted(), record.version());
        } else {
          ObjectNode mapped = mapRecord(stream, record.record(), context, lineNumber);
          String name = outputName(stream.mapping());
          if (mapped == null) {
            counts.computeIfAbsent(name, key -> new Counts()).filtered++;
          } else {
            count(name, lineBytes);
            writer.writeRecord(name, mapped, record.timeExtracted(), record.version());
          }
        }
      } else if (message instanceof SchemaMessage schema) {
        CompiledStream stream = compiled.get(schema.stream());
        writer.write(stream == null ? schema : mapSchema(stream.mapping(), schema));
      } else if (message instanceof StateMessage) {
        writer.write(message);
      } else if (message instanceof ActivateVersionMessage activate) {
        CompiledStream stream = compiled.get(activate.stream());
        writer.write(stream == null ? activate : new ActivateVersionMessage(outputName(stream.mapping()), activate.version()));
      } else if (message instanceof BatchMessage batch) {
        CompiledStream stream = compiled.get(batch.stream());
        if (stream != null && !isIdentity(stream.mapping())) {
          throw new TaplineException("Line " + lineNumber + ": a BATCH message of stream "
              + batch.stream() + " points at files whose records the mapper cannot rewrite; let the tap"
              + " send RECORD messages for mapped streams.");
        }
        writer.write(stream == null ? batch : new BatchMessage(outputName(stream.mapping()), batch.encoding(), batch.manifest()));
      }
    }
  }

  private static boolean isIdentity(MapperConfig.StreamMapping mapping) {
    return mapping.filter() == null && mapping.properties().isEmpty() && mapping.added().isEmpty();
  }

  void count(String stream, long bytes) {
    Counts count = counts.computeIfAbsent(stream, key -> new Counts());
    count.records++;
    count.bytes += bytes;
  }

  static String outputName(MapperConfig.StreamMapping mapping) {
    return mapping.rename() == null ? mapping.stream() : mapping.rename();
  }

  /** The record mapped in place, or {@code null} when the filter drops it. */
  ObjectNode mapRecord(CompiledStream stream, ObjectNode record, RecordContext context, long lineNumber) {
    MapperConfig.StreamMapping mapping = stream.mapping();
    context.record = new JsonMap(record);
    if (!keeps(stream, context, lineNumber)) {
      return null;
    }
    Object[] computedValues = computed(stream, context, lineNumber);
    for (Map.Entry<String, MapperConfig.PropertyAction> entry : mapping.properties().entrySet()) {
      String name = entry.getKey();
      MapperConfig.PropertyAction action = entry.getValue();
      if (action.drop()) {
        record.remove(name);
        continue;
      }
      JsonNode value = record.get(name);
      if (value == null) {
        continue;
      }
      if (action.hash() && !value.isNull()) {
        value = Json.NODES.textNode(hash(value));
      } else if (action.mask() && !value.isNull()) {
        value = Json.NODES.textNode(mask(textOf(value), action));
      }
      if (action.rename() != null) {
        record.remove(name);
        record.set(action.rename(), value);
      } else {
        record.set(name, value);
      }
    }
    if (computedValues != null) {
      for (int index = 0; index < computedValues.length; index++) {
        record.set(mapping.added().get(index).name(), toNode(computedValues[index]));
      }
    }
    return record;
  }

  /** Whether the stream's filter keeps the record in {@code context} (true without a filter). */
  static boolean keeps(CompiledStream stream, RecordContext context, long lineNumber) {
    if (stream.filter() == null) {
      return true;
    }
    Object keep = evaluate(stream.filter(), context, stream.mapping().stream(), "filter", lineNumber);
    return keep instanceof Boolean b ? b : keep != null;
  }

  /** The values of the stream's computed properties for the record in {@code context}, or {@code null}. */
  static Object[] computed(CompiledStream stream, RecordContext context, long lineNumber) {
    if (stream.computed().isEmpty()) {
      return null;
    }
    Object[] values = new Object[stream.computed().size()];
    for (int index = 0; index < values.length; index++) {
      values[index] = evaluate(stream.computed().get(index), context, stream.mapping().stream(),
          "add." + stream.mapping().added().get(index).name(), lineNumber);
    }
    return values;
  }

  CompiledStream compiled(String stream) {
    return compiled.get(stream);
  }

  private static Object evaluate(JexlScript expression, RecordContext context, String stream, String what, long lineNumber) {
    try {
      return expression.execute(context);
    } catch (JexlException e) {
      throw new TaplineException("Line " + lineNumber + ", stream " + stream + ": the " + what
          + " expression failed: " + e.getMessage());
    }
  }

  private String hash(JsonNode value) {
    return hash(textOf(value));
  }

  /** A value as hashing and masking see it: a string's content, a number's plain digits, else its JSON. */
  static String textOf(JsonNode value) {
    return value.isTextual() ? value.textValue() : value.isNumber() ? value.decimalValue().toPlainString() : Json.write(value);
  }

  /** SHA-256 of the salt and {@code text}, in lower-case hex. */
  String hash(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return new String(hashBytes(bytes, 0, bytes.length), StandardCharsets.US_ASCII);
  }

  /** SHA-256 of the salt and the UTF-8 text in {@code bytes[offset, offset + length)}, as lower-case hex ASCII. */
  byte[] hashBytes(byte[] bytes, int offset, int length) {
    byte[] hex = new byte[64];
    hashInto(bytes, offset, length, hex, 0);
    return hex;
  }

  /**
   * Writes the SHA-256 of the salt and the UTF-8 text in {@code bytes[offset, offset + length)},
   * as 64 lower-case hex digits, into {@code target[targetOffset, targetOffset + 64)}.
   */
  void hashInto(byte[] bytes, int offset, int length, byte[] target, int targetOffset) {
    sha256.update(salt);
    sha256.update(bytes, offset, length);
    try {
      sha256.digest(digest, 0, digest.length);
    } catch (java.security.DigestException e) {
      throw new IllegalStateException(e);
    }
    for (int index = 0; index < digest.length; index++) {
      target[targetOffset + index * 2] = HEX[(digest[index] >> 4) & 0xf];
      target[targetOffset + index * 2 + 1] = HEX[digest[index] & 0xf];
    }
  }

  private final byte[] digest = new byte[32];

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  static String mask(String text, MapperConfig.PropertyAction action) {
    int keep = Math.min(action.keepLast(), text.length() / 2);
    return action.maskCharacter().repeat(text.length() - keep) + text.substring(text.length() - keep);
  }

  /** The SCHEMA of a mapped stream, rewritten to match its records. */
  static SchemaMessage mapSchema(MapperConfig.StreamMapping mapping, SchemaMessage schema) {
    ObjectNode rewritten = schema.schema().deepCopy();
    JsonNode propertiesNode = rewritten.path("properties");
    ObjectNode properties = propertiesNode instanceof ObjectNode object ? object : rewritten.putObject("properties");
    List<String> keys = new ArrayList<>(schema.keyProperties());
    List<String> bookmarks = new ArrayList<>(schema.bookmarkProperties());
    JsonNode requiredNode = rewritten.get("required");
    List<String> required = new ArrayList<>();
    if (requiredNode instanceof ArrayNode array) {
      array.forEach(item -> required.add(item.asText()));
    }
    for (Map.Entry<String, MapperConfig.PropertyAction> entry : mapping.properties().entrySet()) {
      String name = entry.getKey();
      MapperConfig.PropertyAction action = entry.getValue();
      JsonNode property = properties.get(name);
      if (action.drop()) {
        if (keys.contains(name)) {
          throw new ConfigurationException("streams." + mapping.stream() + ".properties." + name
              + ": \"" + name + "\" is a key property of stream " + schema.stream() + " and cannot be"
              + " dropped (the target needs it to merge rows); hash it instead.");
        }
        properties.remove(name);
        bookmarks.remove(name);
        required.remove(name);
        continue;
      }
      if (property == null) {
        continue;
      }
      if (action.hash() || action.mask()) {
        ObjectNode text = Json.object();
        text.set("type", isNullable(property) ? Json.array().add("string").add("null") : Json.NODES.textNode("string"));
        if (property.has("description")) {
          text.set("description", property.get("description"));
        }
        property = text;
      }
      if (action.rename() != null) {
        properties.remove(name);
        replace(keys, name, action.rename());
        replace(bookmarks, name, action.rename());
        replace(required, name, action.rename());
      }
      properties.set(action.rename() == null ? name : action.rename(), property);
    }
    for (MapperConfig.Computed computed : mapping.added()) {
      properties.set(computed.name(), computed.schema().deepCopy());
    }
    if (requiredNode != null) {
      ArrayNode array = Json.array();
      required.forEach(array::add);
      rewritten.set("required", array);
    }
    String stream = mapping.rename() == null ? schema.stream() : mapping.rename();
    return new SchemaMessage(stream, rewritten, keys, bookmarks);
  }

  private static void replace(List<String> names, String from, String to) {
    int index = names.indexOf(from);
    if (index >= 0) {
      names.set(index, to);
    }
  }

  private static boolean isNullable(JsonNode property) {
    JsonNode type = property.get("type");
    if (type == null) {
      return true;
    }
    if (type.isArray()) {
      for (JsonNode item : type) {
        if ("null".equals(item.asText())) {
          return true;
        }
      }
      return false;
    }
    if ("null".equals(type.asText())) {
      return true;
    }
    for (String union : List.of("anyOf", "oneOf")) {
      if (property.has(union)) {
        return true;
      }
    }
    return false;
  }

  Map<String, Counts> counts() {
    return counts;
  }

  /** A JSON value of an expression's result. */
  static JsonNode toNode(Object value) {
    if (value == null) {
      return Json.NODES.nullNode();
    }
    if (value instanceof JsonNode node) {
      return node;
    }
    if (value instanceof String text) {
      return Json.NODES.textNode(text);
    }
    if (value instanceof Boolean bool) {
      return Json.NODES.booleanNode(bool);
    }
    if (value instanceof BigDecimal decimal) {
      return Json.NODES.numberNode(decimal);
    }
    if (value instanceof BigInteger integer) {
      return Json.NODES.numberNode(integer);
    }
    if (value instanceof Double || value instanceof Float) {
      return Json.NODES.numberNode(new BigDecimal(value.toString()));
    }
    if (value instanceof Number number) {
      return Json.NODES.numberNode(number.longValue());
    }
    if (value instanceof JsonMap map) {
      return map.node;
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode object = Json.object();
      map.forEach((key, item) -> object.set(String.valueOf(key), toNode(item)));
      return object;
    }
    if (value instanceof Iterable<?> items) {
      ArrayNode array = Json.array();
      items.forEach(item -> array.add(toNode(item)));
      return array;
    }
    return Json.NODES.textNode(value.toString());
  }

  /** A Java value of a JSON value, for expressions: texts, numbers, booleans, maps, lists. */
  static Object fromNode(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
    }
    if (node.isNumber()) {
      return node.decimalValue();
    }
    if (node instanceof ObjectNode object) {
      return new JsonMap(object);
    }
    List<Object> items = new ArrayList<>();
    node.forEach(item -> items.add(fromNode(item)));
    return items;
  }

  /** A read-only map view of a JSON object, converting values as expressions read them. */
  static final class JsonMap extends AbstractMap<String, Object> {
    final ObjectNode node;

    JsonMap(ObjectNode node) {
      this.node = node;
    }

    @Override
    public Object get(Object key) {
      return key instanceof String name ? fromNode(node.get(name)) : null;
    }

    @Override
    public boolean containsKey(Object key) {
      return key instanceof String name && node.has(name);
    }

    @Override
    public int size() {
      return node.size();
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Entry<String, Object>> iterator() {
          Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
          return new Iterator<>() {
            @Override
            public boolean hasNext() {
              return fields.hasNext();
            }

            @Override
            public Entry<String, Object> next() {
              Map.Entry<String, JsonNode> field = fields.next();
              return new SimpleImmutableEntry<>(field.getKey(), fromNode(field.getValue()));
            }
          };
        }

        @Override
        public int size() {
          return node.size();
        }
      };
    }
  }

  /** The variables an expression sees: {@code record}, the current record. Reused for every record. */
  static final class RecordContext implements JexlContext {
    Map<String, Object> record;

    @Override
    public Object get(String name) {
      return "record".equals(name) ? record : null;
    }

    @Override
    public void set(String name, Object value) {
      throw new UnsupportedOperationException("expressions of the mapper cannot assign variables");
    }

    @Override
    public boolean has(String name) {
      return "record".equals(name);
    }
  }
}
