package dev.tapline.tap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Catalog;
import dev.tapline.spec.CatalogEntry;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import dev.tapline.spec.Log;
import dev.tapline.spec.State;
import dev.tapline.spec.TaplineException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** One sync run: every selected stream in turn, with its SCHEMA, RECORDs and STATEs. */
final class Sync {

  static final String REPLICATION_KEY = "replication_key";
  static final String REPLICATION_KEY_VALUE = "replication_key_value";

  private final Record settings;
  private final SyncSettings syncSettings;
  private final List<TapStream> streams;
  private final Catalog catalog;
  private final JsonNode startDate;
  private final MessageOutput output;
  private final boolean testRun;
  private final Log log;
  private final Instant startedAt = now();
  private ObjectNode state;
  private JsonNode lastWrittenState;
  private boolean wroteSinceState;

  Sync(Record settings, SyncSettings syncSettings, List<TapStream> streams, Catalog catalog,
      JsonNode inputState, JsonNode startDate, MessageOutput output, boolean testRun, Log log) {
    this.settings = settings;
    this.syncSettings = syncSettings;
    this.streams = streams;
    this.catalog = catalog;
    this.startDate = startDate;
    this.output = output;
    this.testRun = testRun;
    this.log = log;
    this.state = inputState instanceof ObjectNode object ? object.deepCopy() : State.empty();
  }

  /** Runs the sync; {@code beforeSync} sees every selected stream before the first message. */
  void run(Consumer<List<SelectedStream>> beforeSync) {
    if (catalog != null) {
      Set<String> known = streams.stream().map(s -> s.spec().name()).collect(Collectors.toSet());
      for (CatalogEntry entry : catalog.streams()) {
        if (!known.contains(entry.tapStreamId()) && !known.contains(entry.stream())) {
          log.warn("The catalog names stream '" + entry.stream()
              + "', which this tap does not have; it is ignored.");
        }
      }
    }
    List<Plan> plans = new ArrayList<>();
    for (TapStream stream : streams) {
      Plan plan = plan(stream);
      if (plan != null) {
        plans.add(plan);
      }
    }
    List<SelectedStream> selected =
        plans.stream().map(plan -> new SelectedStream(plan.stream, plan.context)).toList();
    beforeSync.accept(selected);
    if (!testRun) {
      for (Plan plan : plans) {
        plan.stream.beforeSync(selected);
      }
    }
    for (Plan plan : plans) {
      syncStream(plan);
    }
    if (!testRun && (lastWrittenState == null || wroteSinceState)) {
      writeState();
    }
  }

  /** How one selected stream is read, resolved before any stream is. */
  private record Plan(TapStream stream, String name, ObjectNode schema, List<String> keyProperties,
      String key, ReplicationMethod method, boolean sorted, List<String> dropped, JsonNode starting,
      JsonNode prior, JsonNode defaultStart, ObjectNode inputBookmark, StreamContext context) {}

  /** Resolves a stream against the catalog and state, or returns null when it is not selected. */
  private Plan plan(TapStream stream) {
    StreamSpec spec = stream.spec();
    String name = spec.name();
    CatalogEntry entry;
    if (catalog != null) {
      Optional<CatalogEntry> chosen = catalog.find(name);
      if (chosen.isEmpty() || !chosen.get().isSelected(false)) {
        log.info("Stream '" + name + "' is not selected in the catalog; skipping it.");
        return null;
      }
      entry = chosen.get();
    } else {
      entry = stream.catalogEntry();
    }
    ReplicationMethod method = spec.replicationMethod();
    String key = spec.replicationKey();
    if (catalog != null && !spec.forcedReplicationMethod()) {
      String chosenMethod = entry.replicationMethod();
      String chosenKey = entry.replicationKey();
      if (chosenMethod != null) {
        method = ReplicationMethod.parse(chosenMethod);
        if (method == null) {
          throw new ConfigurationException("Catalog stream '" + name + "': replication-method '"
              + chosenMethod + "' is not one of " + Arrays.toString(ReplicationMethod.values()) + ".");
        }
      } else if (chosenKey != null && !chosenKey.equals(key)) {
        method = ReplicationMethod.INCREMENTAL;
      }
      if (chosenKey != null && !chosenKey.equals(key) && method != ReplicationMethod.FULL_TABLE) {
        if (spec.validReplicationKeys().contains(chosenKey)) {
          key = chosenKey;
        } else if (method == ReplicationMethod.INCREMENTAL) {
          throw new ConfigurationException("Catalog stream '" + name + "': replication-key '"
              + chosenKey + "' is not a valid replication key; choose one of "
              + spec.validReplicationKeys() + ".");
        } else {
          log.warn("Catalog stream '" + name + "': replication-key '" + chosenKey
              + "' is not a valid replication key; " + method + " ignores it.");
        }
      }
    }
    if (method == ReplicationMethod.FULL_TABLE) {
      key = null;
    } else if (key == null && method == ReplicationMethod.INCREMENTAL) {
      throw new ConfigurationException("Stream '" + name + "' is to be read " + method
          + " but has no replication key; set replication-key in the catalog"
          + (spec.validReplicationKeys().isEmpty() ? "" : " to one of " + spec.validReplicationKeys())
          + " or use FULL_TABLE.");
    }
    boolean sorted = spec.sorted() && key != null && key.equals(spec.replicationKey());

    StreamSpec read = stream.specFor(method);
    ObjectNode schema = read.schema().deepCopy();
    ObjectNode properties = schema.get("properties") instanceof ObjectNode p ? p : schema.putObject("properties");
    Set<String> automatic = Discovery.automaticProperties(spec.keyProperties(), key);
    List<String> selected = new ArrayList<>();
    List<String> dropped = new ArrayList<>();
    for (String property : Discovery.propertyNames(read)) {
      if (catalog == null || automatic.contains(property)
          || entry.metadata().isPropertySelected(property)) {
        selected.add(property);
      } else {
        dropped.add(property);
      }
    }
    if (!dropped.isEmpty()) {
      properties.remove(dropped);
      if (schema.get("required") instanceof ArrayNode required) {
        for (int i = required.size() - 1; i >= 0; i--) {
          if (dropped.contains(required.get(i).asText())) {
            required.remove(i);
          }
        }
      }
      log.info("Stream '" + name + "': properties not selected, left out: " + dropped);
    }

    JsonNode starting = null;
    JsonNode prior = null;
    JsonNode defaultStart = null;
    Optional<ObjectNode> bookmark = State.bookmark(state, name);
    if (key != null) {
      if (bookmark.isPresent()) {
        JsonNode bookmarkKey = bookmark.get().get(REPLICATION_KEY);
        JsonNode value = bookmark.get().get(REPLICATION_KEY_VALUE);
        if (bookmarkKey != null && !bookmarkKey.isNull() && !bookmarkKey.asText().equals(key)) {
          log.warn("Stream '" + name + "': the bookmark in the state is on '" + bookmarkKey.asText()
              + "', not on the replication key '" + key + "'; reading from the start.");
        } else if (value != null && !value.isNull()) {
          starting = value;
          prior = value;
        }
      }
      if (startDate != null) {
        if (ReplicationValues.forSchema(properties.get(key)).isTemporal()) {
          defaultStart = startDate;
          if (starting == null) {
            starting = startDate;
          }
        } else if (starting == null) {
          log.warn("Stream '" + name + "': start_date is ignored because the replication key '"
              + key + "' is not a date or timestamp.");
        }
      }
    }
    StreamContext context = new StreamContext(settings, entry, selected, state, starting,
        defaultStart, key, method, startedAt, testRun, Log.named(name),
        syncSettings.stateIntervalRows());
    return new Plan(stream, name, schema, spec.keyProperties(), key, method, sorted, dropped,
        starting, prior, defaultStart, bookmark.orElse(null), context);
  }

  private void syncStream(Plan plan) {
    String name = plan.name;
    String key = plan.key;
    StreamContext context = plan.context;
    JsonNode signpost = key == null || testRun ? null : plan.stream.signpost(context);
    ObjectNode properties = (ObjectNode) plan.schema.get("properties");
    StreamBookmarks tracker = key == null ? null : new StreamBookmarks(name, key,
        ReplicationValues.forSchema(properties.get(key)), plan.sorted, signpost, plan.starting,
        plan.prior, plan.defaultStart, plan.inputBookmark);

    log.info("Syncing stream '" + name + "' (" + plan.method
        + (key == null ? "" : " on " + key + (plan.starting == null ? ", from the start" : " from " + plan.starting))
        + ").");
    output.writeSchema(name, plan.schema, plan.keyProperties, key == null ? List.of() : List.of(key));
    wroteSinceState = true;
    long emitted = testRun
        ? readOne(plan.stream, context, name, tracker, key, plan.dropped)
        : readAll(plan.stream, context, name, tracker, key, plan.dropped, plan.sorted);
    log.info("Stream '" + name + "': " + emitted + " records.");
    if (testRun) {
      return;
    }
    updateBookmark(name, key, tracker);
    if (!state.equals(lastWrittenState)) {
      writeState();
    }
  }

  private long readOne(TapStream stream, StreamContext context, String name,
      StreamBookmarks tracker, String key, List<String> dropped) {
    try (Stream<ObjectNode> records = stream.records(context)) {
      Iterator<ObjectNode> iterator = records.iterator();
      while (iterator.hasNext()) {
        ObjectNode record = iterator.next();
        if (tracker != null && !tracker.observe(record.get(key), 1)) {
          continue;
        }
        if (!dropped.isEmpty()) {
          record.remove(dropped);
        }
        output.writeRecord(name, record, now());
        return 1;
      }
      return 0;
    }
  }

  private long readAll(TapStream stream, StreamContext context, String name,
      StreamBookmarks tracker, String key, List<String> dropped, boolean sorted) {
    int stateInterval = syncSettings.stateIntervalRows();
    long metricInterval = TimeUnit.SECONDS.toNanos(syncSettings.metricsIntervalSeconds());
    long nextMetric = System.nanoTime() + metricInterval;
    long produced = 0;
    long emitted = 0;
    long reported = 0;
    int untilClock = 0;
    Instant extracted = now();
    Long version = null;
    try (Stream<ObjectNode> records = stream.records(context);
        RecordPump pump = new RecordPump(name, records.iterator(), context.events())) {
      Object item;
      while ((item = pump.next()) != null) {
        if (!(item instanceof ObjectNode record)) {
          version = handle(name, (StreamEvents.Event) item, version, tracker, key, sorted);
          continue;
        }
        produced++;
        if (tracker != null && !tracker.observe(record.get(key), produced)) {
          continue;
        }
        if (!dropped.isEmpty()) {
          record.remove(dropped);
        }
        if (--untilClock < 0) {
          untilClock = 1023;
          extracted = now();
          long now = System.nanoTime();
          if (now - nextMetric >= 0) {
            recordCount(name, emitted - reported);
            reported = emitted;
            nextMetric = now + metricInterval;
          }
        }
        output.writeRecord(name, record, extracted, version);
        emitted++;
        if (sorted && emitted % stateInterval == 0) {
          updateBookmark(name, key, tracker);
          writeState();
        }
      }
    }
    recordCount(name, emitted - reported);
    return emitted;
  }

  /** Carries out a stream's request; returns the version records are stamped with from now on. */
  private Long handle(String name, StreamEvents.Event event, Long version, StreamBookmarks tracker,
      String key, boolean sorted) {
    if (event instanceof StreamEvents.ActivateVersion activate) {
      output.writeActivateVersion(name, activate.version());
      wroteSinceState = true;
      return activate.version();
    }
    if (event instanceof StreamEvents.RecordVersion stamp) {
      return stamp.version();
    }
    if (event instanceof StreamEvents.PutBookmark put) {
      state = withBookmarkField(state, name, put.field(), put.value());
    } else if (event instanceof StreamEvents.BeginPartition begin) {
      if (tracker != null) {
        tracker.beginPartition(begin.partition());
      }
    } else if (event instanceof StreamEvents.AdvanceBookmark advance) {
      if (tracker != null && tracker.advance(advance.value(), advance.partition())) {
        updateBookmark(name, key, tracker);
        writeState();
      }
    } else if (event instanceof StreamEvents.EmitState) {
      if (sorted) {
        updateBookmark(name, key, tracker);
      }
      writeState();
    }
    return version;
  }

  /** A copy of the state with one field of a stream's bookmark set, or removed when null. */
  static ObjectNode withBookmarkField(ObjectNode state, String stream, String field, JsonNode value) {
    if (value != null) {
      return State.withBookmarkValue(state, stream, field, value);
    }
    Optional<ObjectNode> bookmark = State.bookmark(state, stream);
    if (bookmark.isEmpty() || !bookmark.get().has(field)) {
      return state;
    }
    ObjectNode remaining = bookmark.get().deepCopy();
    remaining.remove(field);
    return remaining.isEmpty()
        ? State.withoutBookmark(state, stream)
        : State.withBookmark(state, stream, remaining);
  }

  private void updateBookmark(String name, String key, StreamBookmarks tracker) {
    if (tracker == null) {
      return;
    }
    state = tracker.applyTo(state);
  }

  private void writeState() {
    output.writeState(state);
    lastWrittenState = state;
    wroteSinceState = false;
  }

  private void recordCount(String stream, long count) {
    ObjectNode metric = Json.object();
    metric.put("type", "counter");
    metric.put("metric", "record_count");
    metric.put("value", count);
    metric.putObject("tags").put("stream", stream);
    log.metric(Json.write(metric));
  }

  /** The current time at microsecond precision, as Python Singer tools read timestamps. */
  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  /** A readable reason for a failure inside a stream, used by the tap's error line. */
  static String describe(Throwable failure) {
    if (failure instanceof TaplineException) {
      return failure.getMessage();
    }
    String message = failure.getMessage();
    return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
