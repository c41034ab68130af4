package dev.tapline.target;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.RecordMessage;
import dev.tapline.spec.Timestamps;
import java.time.Instant;

/**
 * The {@code _sdc_*} metadata properties Singer targets add to records when asked
 * ({@code add_record_metadata}).
 */
final class RecordMetadata {

  static final String EXTRACTED_AT = "_sdc_extracted_at";
  static final String RECEIVED_AT = "_sdc_received_at";
  static final String BATCHED_AT = "_sdc_batched_at";
  static final String DELETED_AT = "_sdc_deleted_at";
  static final String SEQUENCE = "_sdc_sequence";
  static final String TABLE_VERSION = "_sdc_table_version";

  private long sequence = System.currentTimeMillis() * 1000;

  private RecordMetadata() {}

  static RecordMetadata start() {
    return new RecordMetadata();
  }

  /** A copy of the schema whose properties also declare the metadata properties. */
  static ObjectNode addToSchema(ObjectNode schema) {
    ObjectNode copy = schema.deepCopy();
    ObjectNode properties = (ObjectNode) copy.get("properties");
    for (String name : new String[] {EXTRACTED_AT, RECEIVED_AT, BATCHED_AT, DELETED_AT}) {
      ObjectNode property = Json.object();
      property.putArray("type").add("null").add("string");
      property.put("format", "date-time");
      properties.set(name, property);
    }
    for (String name : new String[] {SEQUENCE, TABLE_VERSION}) {
      ObjectNode property = Json.object();
      property.putArray("type").add("null").add("integer");
      properties.set(name, property);
    }
    return copy;
  }

  /** Adds the metadata values to a record. */
  void addTo(ObjectNode record, RecordMessage message, String receivedAt, String batchedAt) {
    Instant extracted = message.timeExtracted();
    if (extracted == null) {
      record.putNull(EXTRACTED_AT);
    } else {
      record.put(EXTRACTED_AT, Timestamps.format(extracted));
    }
    record.put(RECEIVED_AT, receivedAt);
    record.put(BATCHED_AT, batchedAt);
    JsonNode deleted = record.get(DELETED_AT);
    if (deleted == null) {
      record.putNull(DELETED_AT);
    }
    record.put(SEQUENCE, sequence++);
    if (message.version() == null) {
      record.putNull(TABLE_VERSION);
    } else {
      record.put(TABLE_VERSION, message.version());
    }
  }
}
