package dev.tapline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${VARIABLE}} in the texts of a project file from the environment ({@code $${}
 * writes a literal {@code ${}}). Every value taken from a variable is remembered as a secret, so
 * that it can be removed from anything printed or stored ({@link #redactor()}); resolved configs
 * are written only to private temporary files, never logged.
 *
 * <p>Collects every reference to a missing variable, with its path in the file, before failing.
 * Not thread-safe: one per pipeline run.
 */
final class Interpolation {

  private static final Pattern REFERENCE = Pattern.compile("\\$\\$\\{|\\$\\{([A-Za-z_][A-Za-z0-9_]*)\\}");

  private final Map<String, String> environment;
  private final Set<String> secrets = new HashSet<>();
  private final List<String> missing = new ArrayList<>();

  Interpolation(Map<String, String> environment) {
    this.environment = environment;
  }

  /** A copy of {@code node} with every reference in its texts (and keys) resolved. */
  JsonNode resolve(JsonNode node, String path) {
    if (node == null) {
      return null;
    }
    if (node.isTextual()) {
      return TextNode.valueOf(resolve(node.textValue(), path));
    }
    if (node.isObject()) {
      ObjectNode copy = Json.object();
      node.fields().forEachRemaining(entry -> copy.set(entry.getKey(), resolve(entry.getValue(), path + "." + entry.getKey())));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = Json.array();
      for (int index = 0; index < node.size(); index++) {
        copy.add(resolve(node.get(index), path + "[" + index + "]"));
      }
      return copy;
    }
    return node.deepCopy();
  }

  /** {@code text} with its references resolved; {@code null} stays {@code null}. */
  String resolve(String text, String path) {
    if (text == null || text.indexOf('$') < 0) {
      return text;
    }
    Matcher matcher = REFERENCE.matcher(text);
    StringBuilder result = new StringBuilder();
    while (matcher.find()) {
      String replacement;
      if (matcher.group(1) == null) {
        replacement = "${";
      } else {
        String value = environment.get(matcher.group(1));
        if (value == null) {
          missing.add(path + ": ${" + matcher.group(1) + "}");
          value = "";
        } else {
          secrets.add(value);
        }
        replacement = value;
      }
      matcher.appendReplacement(result, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(result);
    return result.toString();
  }

  List<String> resolveAll(List<String> texts, String path) {
    List<String> resolved = new ArrayList<>();
    for (int index = 0; index < texts.size(); index++) {
      resolved.add(resolve(texts.get(index), path + "[" + index + "]"));
    }
    return resolved;
  }

  /**
   * @throws ConfigurationException naming every missing variable and where it is used
   */
  void check(Object file) {
    if (!missing.isEmpty()) {
      throw new ConfigurationException("The project file " + file + " uses environment variables that are"
          + " not set: " + String.join(", ", missing) + ". Set them and run again.");
    }
  }

  Redactor redactor() {
    return new Redactor(secrets);
  }
}
