package dev.tapline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The settings of {@code tapline map}, checked as a whole (every problem reported at once):
 *
 * <pre>
 * {"hash_salt": "...",
 *  "streams": {"customers": {
 *      "rename": "clients",
 *      "filter": "record.country == 'DE'",
 *      "properties": {"email": "hash", "notes": "drop", "phone": {"mask": {"keep_last": 4}},
 *                     "id": {"rename": "customer_id"}},
 *      "add": {"email_domain": {"expression": "...", "schema": {"type": ["string", "null"]}}}}}}
 * </pre>
 */
record MapperConfig(String hashSalt, Map<String, StreamMapping> streams) {

  /** What happens to one property. */
  record PropertyAction(String rename, boolean drop, boolean hash, boolean mask, int keepLast, String maskCharacter) {}

  /** A computed property: a JEXL expression over {@code record}, and its JSON Schema. */
  record Computed(String name, String expression, ObjectNode schema) {}

  /** The mapping of one stream. */
  record StreamMapping(
      String stream, String rename, String filter, Map<String, PropertyAction> properties, List<Computed> added) {}

  private static final Set<String> TOP = Set.of("hash_salt", "streams");
  private static final Set<String> STREAM = Set.of("rename", "filter", "properties", "add");
  private static final Set<String> PROPERTY = Set.of("rename", "drop", "hash", "mask");

  static MapperConfig parse(JsonNode config) {
    List<String> problems = new ArrayList<>();
    if (config == null || !config.isObject()) {
      throw new ConfigurationException("The mapper's config must be a JSON object with \"streams\".");
    }
    unknown(config, "", TOP, problems);
    String salt = config.path("hash_salt").isTextual() ? config.path("hash_salt").textValue() : "";
    Map<String, StreamMapping> streams = new LinkedHashMap<>();
    JsonNode section = config.path("streams");
    if (!section.isObject()) {
      problems.add("streams: must be an object of stream names to their mapping");
    } else {
      section.fields().forEachRemaining(entry -> {
        StreamMapping mapping = stream(entry.getKey(), entry.getValue(), problems);
        if (mapping != null) {
          streams.put(entry.getKey(), mapping);
        }
      });
    }
    boolean hashes = streams.values().stream().anyMatch(s -> s.properties().values().stream().anyMatch(PropertyAction::hash));
    if (hashes && salt.isEmpty()) {
      problems.add("hash_salt: needed when a property is hashed (a hash without a secret salt can be"
          + " reversed by hashing every likely value); take it from the environment: \"${PII_SALT}\"");
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException("The mapper's config has " + problems.size()
          + (problems.size() == 1 ? " problem: " : " problems: ") + String.join("; ", problems) + ".");
    }
    return new MapperConfig(salt, streams);
  }

  private static StreamMapping stream(String stream, JsonNode node, List<String> problems) {
    String path = "streams." + stream;
    if (!node.isObject()) {
      problems.add(path + ": must be an object (rename, filter, properties, add)");
      return null;
    }
    unknown(node, path + ".", STREAM, problems);
    String rename = text(node, "rename", path, problems);
    String filter = text(node, "filter", path, problems);
    Map<String, PropertyAction> properties = new LinkedHashMap<>();
    JsonNode section = node.path("properties");
    if (!section.isMissingNode() && !section.isObject()) {
      problems.add(path + ".properties: must be an object of property names to actions");
    } else if (section.isObject()) {
      section.fields().forEachRemaining(entry -> {
        PropertyAction action = property(entry.getValue(), path + ".properties." + entry.getKey(), problems);
        if (action != null) {
          properties.put(entry.getKey(), action);
        }
      });
    }
    List<Computed> added = new ArrayList<>();
    JsonNode add = node.path("add");
    if (!add.isMissingNode() && !add.isObject()) {
      problems.add(path + ".add: must be an object of new property names to {expression, schema}");
    } else if (add.isObject()) {
      add.fields().forEachRemaining(entry -> {
        String itemPath = path + ".add." + entry.getKey();
        JsonNode item = entry.getValue();
        if (item.isTextual()) {
          added.add(new Computed(entry.getKey(), item.textValue(), defaultSchema()));
          return;
        }
        if (!item.isObject() || !item.path("expression").isTextual()) {
          problems.add(itemPath + ": needs an \"expression\" (and optionally a \"schema\")");
          return;
        }
        unknown(item, itemPath + ".", Set.of("expression", "schema"), problems);
        JsonNode schema = item.path("schema");
        added.add(new Computed(entry.getKey(), item.path("expression").textValue(),
            schema.isObject() ? (ObjectNode) schema : defaultSchema()));
      });
    }
    // a renamed or added property must not land on another one
    Set<String> targets = new java.util.HashSet<>();
    properties.forEach((name, action) -> {
      if (action.drop()) {
        return;
      }
      String target = action.rename() == null ? name : action.rename();
      if (!targets.add(target)) {
        problems.add(path + ".properties." + name + ": renamed to \"" + target + "\", which another property also becomes");
      }
    });
    for (Computed computed : added) {
      if (targets.contains(computed.name())) {
        problems.add(path + ".add." + computed.name() + ": a property of that name comes out of the mapping already");
      }
    }
    return new StreamMapping(stream, rename, filter, properties, added);
  }

  private static ObjectNode defaultSchema() {
    return (ObjectNode) Json.parse("{\"type\": [\"string\", \"null\"]}");
  }

  private static PropertyAction property(JsonNode node, String path, List<String> problems) {
    if (node.isTextual()) {
      switch (node.textValue()) {
        case "drop":
          return new PropertyAction(null, true, false, false, 0, "*");
        case "hash":
          return new PropertyAction(null, false, true, false, 0, "*");
        case "mask":
          return new PropertyAction(null, false, false, true, 0, "*");
        default:
          problems.add(path + ": \"" + node.textValue() + "\" is not drop, hash or mask (or an object with rename)");
          return null;
      }
    }
    if (!node.isObject()) {
      problems.add(path + ": must be drop, hash, mask or an object {rename, drop, hash, mask}");
      return null;
    }
    unknown(node, path + ".", PROPERTY, problems);
    String rename = text(node, "rename", path, problems);
    boolean drop = node.path("drop").asBoolean(false);
    boolean hash = node.path("hash").asBoolean(false);
    JsonNode maskNode = node.path("mask");
    boolean mask = maskNode.isObject() || maskNode.asBoolean(false);
    int keepLast = maskNode.path("keep_last").asInt(0);
    String character = maskNode.path("character").asText("*");
    if (keepLast < 0 || character.length() != 1) {
      problems.add(path + ".mask: keep_last is 0 or more and character is one character");
    }
    if ((drop ? 1 : 0) + (hash ? 1 : 0) + (mask ? 1 : 0) > 1) {
      problems.add(path + ": choose one of drop, hash and mask");
    }
    if (drop && rename != null) {
      problems.add(path + ": a dropped property cannot be renamed");
    }
    return new PropertyAction(rename, drop, hash, mask, keepLast, character);
  }

  private static String text(JsonNode node, String key, String path, List<String> problems) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual() || value.textValue().isBlank()) {
      problems.add(path + "." + key + ": must be a non-empty text");
      return null;
    }
    return value.textValue();
  }

  private static void unknown(JsonNode node, String prefix, Set<String> known, List<String> problems) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String key = names.next();
      if (!known.contains(key)) {
        problems.add(prefix + key + ": unknown key (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
      }
    }
  }
}
