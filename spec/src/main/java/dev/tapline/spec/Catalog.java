package dev.tapline.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A Singer catalog: {@code {"streams": [entry, ...]}}. Immutable. */
public record Catalog(List<CatalogEntry> streams) {

  public Catalog {
    streams = List.copyOf(streams);
  }

  /** Reads a catalog file (the output of {@code --discover}, possibly edited by the user). */
  public static Catalog read(Path file) {
    try {
      return fromJson(Json.read(file));
    } catch (ConfigurationException e) {
      if (e.getMessage().startsWith(file.toString())) {
        throw e;
      }
      throw new ConfigurationException("Catalog " + file + ": " + e.getMessage(), e);
    }
  }

  public static Catalog fromJson(JsonNode node) {
    JsonNode list = node == null ? null : node.get("streams");
    if (list == null || !list.isArray()) {
      throw new ConfigurationException(
          "A catalog must be a JSON object with a \"streams\" list (the output of --discover).");
    }
    List<CatalogEntry> entries = new ArrayList<>();
    for (JsonNode item : list) {
      entries.add(CatalogEntry.fromJson(item));
    }
    return new Catalog(entries);
  }

  public ObjectNode toJson() {
    ObjectNode node = Json.object();
    ArrayNode list = node.putArray("streams");
    streams.forEach(entry -> list.add(entry.toJson()));
    return node;
  }

  /** The entry with this tap stream id, or else this stream name. */
  public Optional<CatalogEntry> find(String tapStreamIdOrStream) {
    for (CatalogEntry entry : streams) {
      if (entry.tapStreamId().equals(tapStreamIdOrStream)) {
        return Optional.of(entry);
      }
    }
    for (CatalogEntry entry : streams) {
      if (entry.stream().equals(tapStreamIdOrStream)) {
        return Optional.of(entry);
      }
    }
    return Optional.empty();
  }
}
