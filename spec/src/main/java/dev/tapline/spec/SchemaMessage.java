package dev.tapline.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * Declares the JSON Schema of a stream's records and its key properties.
 *
 * @param stream the stream name, never null
 * @param schema the JSON Schema of a record, never null
 * @param keyProperties the properties that identify a record; empty when there are none
 * @param bookmarkProperties the properties the tap bookmarks on; empty when not given
 */
public record SchemaMessage(
    String stream, ObjectNode schema, List<String> keyProperties, List<String> bookmarkProperties)
    implements Message {

  public SchemaMessage {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(schema, "schema");
    keyProperties = keyProperties == null ? List.of() : List.copyOf(keyProperties);
    bookmarkProperties = bookmarkProperties == null ? List.of() : List.copyOf(bookmarkProperties);
  }

  public SchemaMessage(String stream, ObjectNode schema, List<String> keyProperties) {
    this(stream, schema, keyProperties, List.of());
  }

  @Override
  public MessageType type() {
    return MessageType.SCHEMA;
  }

  /** The {@code properties} object of the schema, or null when the schema has none. */
  public ObjectNode properties() {
    var properties = schema.get("properties");
    return properties instanceof ObjectNode object ? object : null;
  }
}
