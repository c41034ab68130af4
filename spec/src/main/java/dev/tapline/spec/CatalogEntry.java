package dev.tapline.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One stream of a catalog.
 *
 * @param tapStreamId the tap's unique id of the stream
 * @param stream the stream name written in messages
 * @param schema the JSON Schema of a record
 * @param keyProperties the key properties (also in metadata as {@code table-key-properties})
 * @param metadata breadcrumb metadata
 * @param extra any other fields of the entry (e.g. {@code table_name}), kept as they were
 */
public record CatalogEntry(
    String tapStreamId,
    String stream,
    ObjectNode schema,
    List<String> keyProperties,
    Metadata metadata,
    ObjectNode extra) {

  public CatalogEntry {
    Objects.requireNonNull(tapStreamId, "tapStreamId");
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(schema, "schema");
    keyProperties = keyProperties == null ? List.of() : List.copyOf(keyProperties);
    metadata = metadata == null ? Metadata.empty() : metadata;
    extra = extra == null ? Json.object() : extra;
  }

  public CatalogEntry(String stream, ObjectNode schema, List<String> keyProperties, Metadata metadata) {
    this(stream, stream, schema, keyProperties, metadata, null);
  }

  /** Reads an entry of a catalog's {@code streams} list. */
  public static CatalogEntry fromJson(JsonNode node) {
    if (!(node instanceof ObjectNode object)) {
      throw new ConfigurationException("A catalog stream entry is not a JSON object: " + node);
    }
    String id = text(object, "tap_stream_id");
    String stream = text(object, "stream");
    if (id == null && stream == null) {
      throw new ConfigurationException(
          "A catalog stream entry has neither \"tap_stream_id\" nor \"stream\": " + abbreviate(object));
    }
    JsonNode schema = object.get("schema");
    if (!(schema instanceof ObjectNode schemaObject)) {
      throw new ConfigurationException(
          "Catalog stream \"" + (id != null ? id : stream) + "\" has no \"schema\" object.");
    }
    Metadata metadata = Metadata.fromJson(object.get("metadata"));
    List<String> keys = new ArrayList<>();
    JsonNode keyNode = object.get("key_properties");
    if (keyNode == null || keyNode.isNull()) {
      keyNode = metadata.stream(Metadata.TABLE_KEY_PROPERTIES);
    }
    if (keyNode != null && keyNode.isArray()) {
      keyNode.forEach(key -> keys.add(key.asText()));
    }
    // Legacy selection flag on the entry itself.
    JsonNode legacySelected = object.get("selected");
    if (legacySelected != null && legacySelected.isBoolean() && metadata.stream(Metadata.SELECTED) == null) {
      metadata = metadata.with(List.of(), Metadata.SELECTED, legacySelected.booleanValue());
    }
    ObjectNode extra = object.deepCopy();
    extra.remove(List.of("tap_stream_id", "stream", "schema", "key_properties", "metadata"));
    return new CatalogEntry(
        id != null ? id : stream, stream != null ? stream : id, schemaObject.deepCopy(), keys, metadata, extra);
  }

  /** The entry in the standard catalog form. */
  public ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.put("tap_stream_id", tapStreamId);
    node.put("stream", stream);
    node.setAll(extra.deepCopy());
    node.set("schema", schema.deepCopy());
    ArrayNode keys = node.putArray("key_properties");
    keyProperties.forEach(keys::add);
    node.set("metadata", metadata.toJson());
    return node;
  }

  /** Whether the stream is selected; see {@link Metadata#isStreamSelected(boolean)}. */
  public boolean isSelected(boolean whenUnspecified) {
    return metadata.isStreamSelected(whenUnspecified);
  }

  /** The {@code replication-method} chosen in metadata (or the legacy top-level field), or null. */
  public String replicationMethod() {
    String method = metadata.streamText(Metadata.REPLICATION_METHOD);
    if (method == null) {
      method = text(extra, "replication_method");
    }
    return method;
  }

  /** The {@code replication-key} chosen in metadata (or the legacy top-level field), or null. */
  public String replicationKey() {
    String key = metadata.streamText(Metadata.REPLICATION_KEY);
    if (key == null) {
      key = text(extra, "replication_key");
    }
    return key;
  }

  /** A copy with other metadata. */
  public CatalogEntry withMetadata(Metadata newMetadata) {
    return new CatalogEntry(tapStreamId, stream, schema, keyProperties, newMetadata, extra);
  }

  private static String text(ObjectNode object, String field) {
    JsonNode value = object.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static String abbreviate(JsonNode node) {
    String text = node.toString();
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }
}
