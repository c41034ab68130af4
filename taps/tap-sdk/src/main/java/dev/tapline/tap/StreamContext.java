package dev.tapline.tap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.CatalogEntry;
import dev.tapline.spec.Json;
import dev.tapline.spec.Log;
import dev.tapline.spec.State;
import dev.tapline.spec.Timestamps;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The run's view of one stream, handed to {@link TapStream#records} and {@link
 * TapStream#signpost}. Immutable; safe to read from any thread.
 */
public final class StreamContext {

  private final Record settings;
  private final CatalogEntry catalogEntry;
  private final List<String> selectedProperties;
  private final JsonNode state;
  private final JsonNode startingValue;
  private final String replicationKey;
  private final ReplicationMethod replicationMethod;
  private final Instant syncStartedAt;
  private final boolean testRun;
  private final Log log;

  StreamContext(Record settings, CatalogEntry catalogEntry, List<String> selectedProperties,
      JsonNode state, JsonNode startingValue, String replicationKey,
      ReplicationMethod replicationMethod, Instant syncStartedAt, boolean testRun, Log log) {
    this.settings = settings;
    this.catalogEntry = catalogEntry;
    this.selectedProperties = List.copyOf(selectedProperties);
    this.state = state.deepCopy();
    this.startingValue = startingValue;
    this.replicationKey = replicationKey;
    this.replicationMethod = replicationMethod;
    this.syncStartedAt = syncStartedAt;
    this.testRun = testRun;
    this.log = log;
  }

  /**
   * Where an incremental read starts: the stream's bookmark from {@code --state}, else the {@code
   * start_date} setting when the tap has one, else empty. Always empty for a full-table read.
   * Records before it are dropped by the SDK; records equal to it are kept (resuming is {@code
   * >=}, the target deduplicates by key).
   */
  public Optional<JsonNode> startingValue() {
    return Optional.ofNullable(startingValue);
  }

  /** {@link #startingValue()} read as a timestamp, when it is one. */
  public Optional<Instant> startingInstant() {
    return startingValue()
        .filter(JsonNode::isTextual)
        .flatMap(value -> Timestamps.tryParse(value.textValue()));
  }

  /** The tap's bound settings record; cast it to the tap's own type. */
  public Record settings() {
    return settings;
  }

  /** The stream's catalog entry: from {@code --catalog}, or as discovered when none was given. */
  public CatalogEntry catalogEntry() {
    return catalogEntry;
  }

  /** The top-level properties the records keep, in schema order. */
  public List<String> selectedProperties() {
    return selectedProperties;
  }

  /** Whether a top-level property is kept; a stream may skip reading the others. */
  public boolean isPropertySelected(String name) {
    return selectedProperties.contains(name);
  }

  /** The whole input state ({@code {}} when none was given), as a copy. */
  public JsonNode state() {
    return state.deepCopy();
  }

  /** The stream's bookmark object from the input state, if any. */
  public Optional<ObjectNode> bookmark() {
    return State.bookmark(state, catalogEntry.stream()).map(ObjectNode::deepCopy);
  }

  /** The replication key in use, or null for a full-table read. */
  public String replicationKey() {
    return replicationKey;
  }

  public ReplicationMethod replicationMethod() {
    return replicationMethod;
  }

  /** When this run started. */
  public Instant syncStartedAt() {
    return syncStartedAt;
  }

  /** The sync start as a timestamp value, a ready signpost for timestamp replication keys. */
  public JsonNode syncStartedAtValue() {
    return Json.NODES.textNode(Timestamps.format(syncStartedAt));
  }

  /** True under {@code --test}: only the first record will be taken. */
  public boolean isTestRun() {
    return testRun;
  }

  /** The stream's logger (stderr, secrets masked). */
  public Log log() {
    return log;
  }
}
