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
 * TapStream#signpost}. Its getters read values fixed when the sync started and are safe to call
 * from any thread.
 *
 * <p>A stream can also ask for messages besides its records: {@link #activateVersion}, {@link
 * #setRecordVersion}, {@link #putBookmark} and {@link #emitState}. Those requests are placed in
 * the output between the records the stream has already handed over and the next one, so call
 * them from the code producing the records (inside {@link TapStream#records} or while its stream
 * is being read, e.g. in an iterator's {@code hasNext}/{@code next} or a spliterator's {@code
 * tryAdvance}), on that one thread. They are ignored under {@code --test}.
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
  private final int stateIntervalRows;
  private final StreamEvents events = new StreamEvents();

  StreamContext(Record settings, CatalogEntry catalogEntry, List<String> selectedProperties,
      JsonNode state, JsonNode startingValue, String replicationKey,
      ReplicationMethod replicationMethod, Instant syncStartedAt, boolean testRun, Log log,
      int stateIntervalRows) {
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
    this.stateIntervalRows = stateIntervalRows;
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

  /**
   * The {@code state_interval_rows} setting: how many records should pass between two STATE
   * messages. A stream keeping bookmark fields of its own ({@link #putBookmark}) can use it to
   * pace {@link #emitState}.
   */
  public int stateIntervalRows() {
    return stateIntervalRows;
  }

  /**
   * Writes {@code {"type": "ACTIVATE_VERSION", "stream": ..., "version": version}} and stamps the
   * records that follow with that {@code version} (as {@link #setRecordVersion} does). Emitted
   * once before the records of a full copy, a target may create or empty the table; emitted again
   * after its last record, a target drops the rows of older versions. See the class comment for
   * when to call it.
   */
  public void activateVersion(long version) {
    events.add(new StreamEvents.ActivateVersion(version));
  }

  /**
   * Stamps the records that follow with {@code "version": version} in their RECORD message, or
   * stops stamping them when null, without an ACTIVATE_VERSION message (for a copy resumed under
   * the version it started with). See the class comment for when to call it.
   */
  public void setRecordVersion(Long version) {
    events.add(new StreamEvents.RecordVersion(version));
  }

  /**
   * Sets a field of this stream's bookmark, {@code {"bookmarks": {stream: {field: value}}}}, in the
   * state written with the next STATE message, after the records handed over so far; a null value
   * removes the field (and the stream's bookmark when it is left empty). The state's other fields
   * are kept, and the bookmark is read back with {@link #bookmark()} on the next run.
   *
   * <p>Meant for what a stream tracks itself, e.g. {@code version}, {@code last_pk_fetched} or a log
   * position {@code lsn}. The fields {@code replication_key} and {@code replication_key_value} are
   * the SDK's for streams with a replication key: set them only to remove them (null).
   */
  public void putBookmark(String field, JsonNode value) {
    if (value != null && (Sync.REPLICATION_KEY.equals(field) || Sync.REPLICATION_KEY_VALUE.equals(field))) {
      throw new IllegalArgumentException("Bookmark field '" + field + "' is kept by the SDK");
    }
    events.add(new StreamEvents.PutBookmark(field, value == null ? null : value.deepCopy()));
  }

  /**
   * Writes a STATE message after the records handed over so far, holding every bookmark field set
   * until now. The SDK also writes one at the end of the stream.
   */
  public void emitState() {
    events.add(new StreamEvents.EmitState());
  }

  StreamEvents events() {
    return events;
  }
}
