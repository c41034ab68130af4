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
import java.util.Map;
import java.util.Optional;

/**
 * The run's view of one stream, handed to {@link TapStream#records} and {@link
 * TapStream#signpost}. Its getters read values fixed when the sync started and are safe to call
 * from any thread.
 *
 * <p>A stream can also ask for messages besides its records: {@link #activateVersion}, {@link
 * #setRecordVersion}, {@link #putBookmark}, {@link #emitState}, {@link #advanceBookmark} and
 * {@link #beginPartition}. Those requests are placed in
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
  private final JsonNode defaultStart;
  private final String replicationKey;
  private final ReplicationMethod replicationMethod;
  private final Instant syncStartedAt;
  private final boolean testRun;
  private final Log log;
  private final int stateIntervalRows;
  private final StreamEvents events;
  private final ObjectNode partition;
  private final boolean keepsBookmark;
  private final Map<ObjectNode, JsonNode> partitionBookmarks;

  StreamContext(Record settings, CatalogEntry catalogEntry, List<String> selectedProperties,
      JsonNode state, JsonNode startingValue, JsonNode defaultStart, String replicationKey,
      ReplicationMethod replicationMethod, Instant syncStartedAt, boolean testRun, Log log,
      int stateIntervalRows) {
    this.settings = settings;
    this.catalogEntry = catalogEntry;
    this.selectedProperties = List.copyOf(selectedProperties);
    this.state = state.deepCopy();
    this.startingValue = startingValue;
    this.defaultStart = defaultStart;
    this.replicationKey = replicationKey;
    this.replicationMethod = replicationMethod;
    this.syncStartedAt = syncStartedAt;
    this.testRun = testRun;
    this.log = log;
    this.stateIntervalRows = stateIntervalRows;
    this.events = new StreamEvents();
    this.partition = null;
    this.keepsBookmark = true;
    this.partitionBookmarks = StreamBookmarks.partitionValues(
        State.bookmark(this.state, catalogEntry.stream()).orElse(null), replicationKey);
  }

  /** A view of {@code whole} with another starting value and partition, sharing its requests. */
  private StreamContext(StreamContext whole, JsonNode startingValue, ObjectNode partition,
      boolean keepsBookmark) {
    this.settings = whole.settings;
    this.catalogEntry = whole.catalogEntry;
    this.selectedProperties = whole.selectedProperties;
    this.state = whole.state;
    this.startingValue = startingValue;
    this.defaultStart = whole.defaultStart;
    this.replicationKey = whole.replicationKey;
    this.replicationMethod = whole.replicationMethod;
    this.syncStartedAt = whole.syncStartedAt;
    this.testRun = whole.testRun;
    this.log = whole.log;
    this.stateIntervalRows = whole.stateIntervalRows;
    this.events = whole.events;
    this.partition = partition;
    this.keepsBookmark = keepsBookmark;
    this.partitionBookmarks = whole.partitionBookmarks;
  }

  /**
   * Where an incremental read starts: the stream's bookmark from {@code --state}, else the {@code
   * start_date} setting when the tap has one, else empty. Always empty for a full-table read.
   * Records before it are dropped by the SDK; records equal to it are kept (resuming is {@code
   * >=}, the target deduplicates by key).
   *
   * <p>In the view of a partition ({@link #beginPartition}) it is the partition's bookmark, else
   * {@code start_date}; in the view of {@link #fromTheStart()} it is empty.
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

  /**
   * Moves the stream's bookmark ({@code replication_key_value}) to {@code value} and writes a STATE
   * after the records handed over so far, for a stream that knows better than its records' values
   * how far it has read: calling it says that every record whose replication-key value is below
   * {@code value} has been handed over (e.g. the end of a time window read to its last page). Use it
   * when the records do not come in key order and the highest value seen is not a safe place to
   * resume, or when a read found no record but still covered a range.
   *
   * <p>From the first call on, the stream owns its bookmark for this run: the SDK no longer moves
   * it to the highest value seen, it only filters records older than the starting value. The
   * bookmark never moves backwards (a lower value than the current one is ignored) and never past
   * the stream's {@link TapStream#signpost}. Called on a partition's view, it moves that
   * partition's bookmark. Ignored when the stream is read without a replication key (full
   * table), in the view of {@link #fromTheStart()}, and under {@code --test}. See the class comment
   * for when to call it.
   *
   * @param value a value of the replication key, never null
   */
  public void advanceBookmark(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      throw new IllegalArgumentException("A bookmark value must not be null");
    }
    if (replicationKey == null || !keepsBookmark) {
      return;
    }
    events.add(new StreamEvents.AdvanceBookmark(value.deepCopy(), partition));
  }

  /**
   * Starts a partition of the stream (e.g. the children of one parent record) and returns its
   * view: the records handed over after this call, until the next call, are bookmarked in the
   * partition, and the view's {@link #startingValue()} is the partition's own bookmark (else {@code
   * start_date}), so a request can ask each partition for what is new in it.
   *
   * <p>The state keeps one entry per partition in the stream's bookmark, in the Meltano SDK's
   * shape: {@code "partitions": [{"context": {...}, "replication_key": k,
   * "replication_key_value": v}]}; entries of partitions this run did not read are kept. The list
   * grows with every partition ever read, so partition by something that is few (repositories,
   * projects, accounts), not by objects of a large list.
   *
   * <p>Call it from the code producing the records (see the class comment), before the
   * partition's first record. Calling it again for the same context continues that partition.
   *
   * @param context what identifies the partition, e.g. {@code {"repository": "tapline"}}: a small
   *     object of plain values, never null
   * @return the partition's view of this context; its other getters answer as this one does
   */
  public StreamContext beginPartition(ObjectNode context) {
    ObjectNode normalised = StreamBookmarks.normalise(context);
    if (replicationKey != null) {
      events.add(new StreamEvents.BeginPartition(normalised));
    }
    JsonNode start = null;
    if (replicationKey != null) {
      JsonNode prior = partitionBookmarks.get(normalised);
      start = prior != null ? prior : defaultStart;
    }
    return new StreamContext(this, start, normalised, keepsBookmark);
  }

  /** The partition this view belongs to ({@link #beginPartition}), or empty at the stream level. */
  public Optional<ObjectNode> partition() {
    return Optional.ofNullable(partition).map(ObjectNode::deepCopy);
  }

  /**
   * A view of this context without starting value, for reading in full what the stream's records
   * hang off (the parent list of a child stream whose bookmarks are kept per parent). It shares
   * this context's requests, except {@link #advanceBookmark}, which it ignores: what is read
   * through it is not what the bookmark covers.
   */
  public StreamContext fromTheStart() {
    return new StreamContext(this, null, partition, false);
  }

  StreamEvents events() {
    return events;
  }
}
