package dev.tapline.target;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.SchemaMessage;
import java.util.List;

/**
 * What a target needs to make a {@link Sink} for one stream.
 *
 * @param stream the stream name exactly as the tap sent it (sanitise it before it becomes a file
 *     or table name), never null
 * @param schema the JSON Schema of the records the sink receives, never null: the SCHEMA message's
 *     schema plus the metadata properties when {@code add_record_metadata} is on, flattened when
 *     flattening is on. Its {@code properties} object is always present. Do not change it.
 * @param keyProperties the stream's key properties, possibly empty, never null
 * @param schemaMessage the SCHEMA message as received, never null
 * @param settings the target's own settings, never null
 * @param targetSettings the SDK's settings (batch sizes, validation, metadata), never null
 * @param <S> the target's settings record
 */
public record SinkContext<S extends Record>(
    String stream,
    ObjectNode schema,
    List<String> keyProperties,
    SchemaMessage schemaMessage,
    S settings,
    TargetSettings targetSettings) {

  /** The {@code properties} object of {@link #schema()}, in schema order. */
  public ObjectNode properties() {
    return (ObjectNode) schema.get("properties");
  }
}
