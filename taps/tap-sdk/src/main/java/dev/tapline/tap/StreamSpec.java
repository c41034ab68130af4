package dev.tapline.tap;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * What a stream is: its name, the JSON Schema of its records, its key, and how it is replicated.
 * Immutable; start with {@link #of(String, ObjectNode)} and add what applies with the {@code with}
 * methods.
 *
 * @param name the stream name written in every message, never null
 * @param schema the JSON Schema of a record ({@code {"type": "object", "properties": {...}}})
 * @param keyProperties the properties identifying a record; empty when there is no key
 * @param replicationKey the property bookmarked for incremental reads, or null for full-table
 * @param sorted whether records come in ascending order of the replication key; a sorted stream
 *     gets a STATE every {@code state_interval_rows} records, an unsorted one only at its end
 * @param validReplicationKeys the properties a catalog may pick as replication key; defaults to the
 *     replication key alone
 * @param replicationMethod the method used unless the catalog picks another
 * @param forcedReplicationMethod whether the catalog may not pick another method
 */
public record StreamSpec(
    String name,
    ObjectNode schema,
    List<String> keyProperties,
    String replicationKey,
    boolean sorted,
    List<String> validReplicationKeys,
    ReplicationMethod replicationMethod,
    boolean forcedReplicationMethod) {

  public StreamSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schema, "schema");
    keyProperties = keyProperties == null ? List.of() : List.copyOf(keyProperties);
    if (validReplicationKeys == null || validReplicationKeys.isEmpty()) {
      validReplicationKeys = replicationKey == null ? List.of() : List.of(replicationKey);
    } else {
      validReplicationKeys = List.copyOf(validReplicationKeys);
    }
    if (replicationMethod == null) {
      replicationMethod =
          replicationKey == null ? ReplicationMethod.FULL_TABLE : ReplicationMethod.INCREMENTAL;
    }
  }

  /** A full-table stream without key. */
  public static StreamSpec of(String name, ObjectNode schema) {
    return new StreamSpec(name, schema, List.of(), null, false, List.of(), null, false);
  }

  public StreamSpec withKeyProperties(String... keys) {
    return withKeyProperties(List.of(keys));
  }

  public StreamSpec withKeyProperties(List<String> keys) {
    return new StreamSpec(name, schema, keys, replicationKey, sorted, validReplicationKeys,
        replicationMethod, forcedReplicationMethod);
  }

  /**
   * An incremental stream bookmarked on {@code key} (null makes it full-table again).
   * {@code sorted} says whether records come in ascending order of that key.
   */
  public StreamSpec withReplicationKey(String key, boolean isSorted) {
    List<String> valid = validReplicationKeys.equals(
        replicationKey == null ? List.of() : List.of(replicationKey))
        ? List.of() : validReplicationKeys;
    return new StreamSpec(name, schema, keyProperties, key, isSorted, valid,
        key == null ? ReplicationMethod.FULL_TABLE : ReplicationMethod.INCREMENTAL, false);
  }

  public StreamSpec withValidReplicationKeys(List<String> keys) {
    return new StreamSpec(name, schema, keyProperties, replicationKey, sorted, keys,
        replicationMethod, forcedReplicationMethod);
  }

  /** A method the catalog cannot change. */
  public StreamSpec withForcedReplicationMethod(ReplicationMethod method) {
    return new StreamSpec(name, schema, keyProperties, replicationKey, sorted, validReplicationKeys,
        method, true);
  }

  /** The {@code properties} object of the schema, or an empty one. */
  public ObjectNode properties() {
    return schema.get("properties") instanceof ObjectNode properties
        ? properties
        : schema.objectNode();
  }
}
