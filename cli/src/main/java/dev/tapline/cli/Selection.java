package dev.tapline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Catalog;
import dev.tapline.spec.CatalogEntry;
import dev.tapline.spec.Metadata;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A tap's selection patterns and metadata overrides from the project file, applied to its catalog.
 *
 * <p>A pattern is a glob ({@code *} any characters, {@code ?} one) matched against {@code stream}
 * or {@code stream.property}; a leading {@code !} excludes. A pattern that matches a stream's name
 * selects it with all its properties; {@code orders.*} does the same through its properties;
 * {@code !customers.email} leaves one property out and {@code !customers} the whole stream.
 * Properties the tap marks {@code inclusion: automatic} (keys, replication keys) stay selected.
 *
 * <p>Metadata overrides map a stream glob, or {@code stream.property}, to metadata entries set on
 * that breadcrumb ({@code replication-method}, {@code replication-key}, ...).
 */
final class Selection {

  /** One line of {@code tapline select --list}. */
  record Row(String stream, String property, boolean selected, String why) {}

  private final List<Pattern> includes = new ArrayList<>();
  private final List<Pattern> excludes = new ArrayList<>();
  private final JsonNode metadata;
  private final boolean hasPatterns;

  Selection(List<String> patterns, JsonNode metadata) {
    for (String pattern : patterns) {
      String trimmed = pattern.strip();
      if (trimmed.startsWith("!")) {
        excludes.add(glob(trimmed.substring(1)));
      } else {
        includes.add(glob(trimmed));
      }
    }
    this.hasPatterns = !patterns.isEmpty();
    this.metadata = metadata == null ? dev.tapline.spec.Json.object() : metadata;
  }

  /** Whether this changes a catalog at all (else the tap's own defaults apply). */
  boolean isEmpty() {
    return !hasPatterns && metadata.isEmpty();
  }

  static Pattern glob(String glob) {
    StringBuilder regex = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString());
  }

  private static boolean any(List<Pattern> patterns, String text) {
    for (Pattern pattern : patterns) {
      if (pattern.matcher(text).matches()) {
        return true;
      }
    }
    return false;
  }

  private boolean streamExcluded(String stream) {
    return any(excludes, stream);
  }

  private boolean propertyIncluded(String stream, String property) {
    return (any(includes, stream) || any(includes, stream + "." + property))
        && !any(excludes, stream + "." + property) && !streamExcluded(stream);
  }

  /** The catalog with overrides applied, then every stream and property marked selected or not. */
  Catalog apply(Catalog catalog) {
    List<CatalogEntry> entries = new ArrayList<>();
    for (CatalogEntry entry : catalog.streams()) {
      Metadata result = overridden(entry);
      if (hasPatterns) {
        String stream = entry.tapStreamId();
        boolean anyProperty = false;
        for (String property : properties(entry)) {
          boolean automatic = isAutomatic(result, property);
          boolean selected = automatic || propertyIncluded(stream, property);
          result = result.with(Metadata.property(property), Metadata.SELECTED, selected);
          anyProperty |= selected && !automatic;
        }
        boolean streamSelected = !streamExcluded(stream) && (any(includes, stream) || anyProperty);
        result = result.with(List.of(), Metadata.SELECTED, streamSelected);
      }
      entries.add(entry.withMetadata(result));
    }
    return new Catalog(entries);
  }

  /** Every stream and property of the catalog once {@link #apply} has run, with why. */
  static List<Row> rows(Catalog applied) {
    List<Row> rows = new ArrayList<>();
    for (CatalogEntry entry : applied.streams()) {
      Metadata metadata = entry.metadata();
      boolean stream = metadata.isStreamSelected(false);
      rows.add(new Row(entry.tapStreamId(), "", stream, stream ? "selected" : "not selected"));
      for (String property : properties(entry)) {
        boolean automatic = isAutomatic(metadata, property);
        boolean selected = stream && metadata.isPropertySelected(property);
        String why = automatic ? "automatic" : selected ? "selected" : "excluded";
        rows.add(new Row(entry.tapStreamId(), property, selected, stream ? why : "stream not selected"));
      }
    }
    return rows;
  }

  private static boolean isAutomatic(Metadata metadata, String property) {
    JsonNode inclusion = metadata.get(Metadata.property(property), Metadata.INCLUSION);
    return inclusion != null && Metadata.AUTOMATIC.equals(inclusion.asText());
  }

  private Metadata overridden(CatalogEntry entry) {
    Metadata result = entry.metadata();
    Iterator<Map.Entry<String, JsonNode>> fields = metadata.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (!field.getValue().isObject()) {
        continue;
      }
      Pattern pattern = glob(field.getKey());
      if (pattern.matcher(entry.tapStreamId()).matches()) {
        result = with(result, List.of(), field.getValue());
        continue;
      }
      for (String property : properties(entry)) {
        if (pattern.matcher(entry.tapStreamId() + "." + property).matches()) {
          result = with(result, Metadata.property(property), field.getValue());
        }
      }
    }
    return result;
  }

  private static Metadata with(Metadata metadata, List<String> breadcrumb, JsonNode values) {
    Metadata result = metadata;
    Iterator<Map.Entry<String, JsonNode>> entries = values.fields();
    while (entries.hasNext()) {
      Map.Entry<String, JsonNode> entry = entries.next();
      result = result.with(breadcrumb, entry.getKey(), entry.getValue());
    }
    return result;
  }

  static List<String> properties(CatalogEntry entry) {
    List<String> names = new ArrayList<>();
    JsonNode properties = entry.schema().path("properties");
    if (properties instanceof ObjectNode object) {
      object.fieldNames().forEachRemaining(names::add);
    }
    return names;
  }
}
