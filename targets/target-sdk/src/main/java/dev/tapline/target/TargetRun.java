package dev.tapline.target;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.ActivateVersionMessage;
import dev.tapline.spec.BatchMessage;
import dev.tapline.spec.Json;
import dev.tapline.spec.Log;
import dev.tapline.spec.Message;
import dev.tapline.spec.MessageWriter;
import dev.tapline.spec.ProtocolException;
import dev.tapline.spec.RecordMessage;
import dev.tapline.spec.SchemaMessage;
import dev.tapline.spec.StateMessage;
import dev.tapline.spec.TaplineException;
import dev.tapline.spec.Timestamps;
import dev.tapline.spec.schema.RecordValidator;
import java.io.InputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of a target: reads messages, hands records to sinks, commits batches and echoes states.
 *
 * <p>The state rule: a STATE is echoed only when every record received before it is committed.
 * When any stream's batch is full (by rows), or the records received since the last flush reach
 * {@code batch_size_bytes}, or the oldest uncommitted record reaches {@code
 * batch_max_age_seconds}, <em>every</em> sink with uncommitted records is committed, and then the
 * latest STATE received is echoed. Flushing all streams together keeps the rule simple and correct
 * for any state layout (bookmarks or not), at the cost of smaller batches for the quiet streams. A
 * STATE that arrives while nothing is uncommitted is echoed at once. An empty state never replaces
 * a non-empty one, a state equal to the last one echoed is not repeated, and no state is ever made
 * up: each echoed value is one the tap sent.
 */
final class TargetRun<S extends Record> {

  private static final long POLL_MILLIS = 200;

  private final Target<S> target;
  private final S settings;
  private final TargetSettings sdk;
  private final MessageWriter out;
  private final Log log;
  private final Map<String, StreamLoader> streams = new LinkedHashMap<>();
  private final Map<String, Long> recordCounts = new LinkedHashMap<>();
  private final RecordMetadata metadata;
  private final Flattener flattener;
  private final long maxAgeNanos;
  private volatile boolean stopRequested;

  private StreamLoader lastLoader;
  private JsonNode pendingState;
  private JsonNode echoedState;
  private long uncommittedRows;
  private long uncommittedBytes;
  private long oldestUncommittedNanos;
  private String batchedAt;
  private String receivedAt;

  TargetRun(Target<S> target, S settings, TargetSettings sdk, MessageWriter out, Log log) {
    this.target = target;
    this.settings = settings;
    this.sdk = sdk;
    this.out = out;
    this.log = log;
    this.metadata = sdk.addRecordMetadata() ? RecordMetadata.start() : null;
    this.flattener = sdk.flatteningEnabled() ? new Flattener(sdk.flatteningMaxDepth()) : null;
    this.maxAgeNanos = sdk.batchMaxAgeSeconds() * 1_000_000_000L;
  }

  /** Asks the run to stop reading, commit what it received and end normally. Any thread. */
  void requestStop() {
    stopRequested = true;
  }

  /**
   * Reads the input to its end (or until asked to stop), committing and echoing state as it goes.
   *
   * @throws TaplineException (or another runtime exception) when the input or a sink fails; every
   *     sink has then been aborted and closed
   */
  void run(InputStream input) {
    boolean flat = target.acceptsFlatRecords() && metadata == null && flattener == null
        && !"false".equals(System.getProperty("tapline.flatRecords"));
    MessagePump pump = new MessagePump(input, log, target.usesRecordText(), flat);
    pump.start();
    try {
      while (true) {
        if (stopRequested) {
          log.info("Asked to stop: committing the records received so far");
          pump.stop();
          break;
        }
        MessagePump.Chunk chunk = pump.poll(pollMillis());
        if (chunk != null) {
          process(chunk);
          if (chunk.failure != null) {
            throw chunk.failure;
          }
          if (chunk.end) {
            break;
          }
        }
        if (maxAgeNanos > 0 && uncommittedRows > 0
            && System.nanoTime() - oldestUncommittedNanos >= maxAgeNanos) {
          log.info("The oldest uncommitted record is " + sdk.batchMaxAgeSeconds()
              + " s old: committing every stream");
          flushAll();
        }
      }
      flushAll();
      closeAll();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abortAll();
      throw new TaplineException("Interrupted while reading the input");
    } catch (RuntimeException | Error e) {
      pump.stop();
      abortAll();
      throw e;
    } finally {
      out.flush();
    }
  }

  /** Records loaded per stream, in the order streams appeared. */
  Map<String, Long> recordCounts() {
    return recordCounts;
  }

  private long pollMillis() {
    if (maxAgeNanos <= 0 || uncommittedRows == 0) {
      return POLL_MILLIS;
    }
    long remaining = (oldestUncommittedNanos + maxAgeNanos - System.nanoTime()) / 1_000_000;
    return Math.max(1, Math.min(POLL_MILLIS, remaining));
  }

  private void process(MessagePump.Chunk chunk) {
    receivedAt = metadata == null ? null : Timestamps.format(Instant.now());
    Message[] messages = chunk.messages;
    for (int i = 0; i < chunk.count; i++) {
      Message message = messages[i];
      FlatRecord flat = chunk.flats[i];
      if (flat != null) {
        handleFlatRecord(flat, chunk.lineNumbers[i], chunk.sizes[i]);
      } else if (message instanceof RecordMessage record) {
        handleRecord(record, chunk.lineNumbers[i], chunk.sizes[i], chunk.recordTexts[i]);
      } else if (message instanceof SchemaMessage schema) {
        handleSchema(schema, chunk.lineNumbers[i]);
      } else if (message instanceof StateMessage state) {
        handleState(state);
      } else if (message instanceof ActivateVersionMessage activate) {
        handleActivateVersion(activate, chunk.lineNumbers[i]);
      } else if (message instanceof BatchMessage) {
        throw new ProtocolException("Line " + chunk.lineNumbers[i] + ": BATCH messages are not supported by "
            + target.name() + ". Run the tap without batch output.", chunk.lineNumbers[i], null);
      }
    }
  }

  private StreamLoader loader(String stream, long lineNumber) {
    StreamLoader loader = lastLoader;
    if (loader == null || !loader.stream.equals(stream)) {
      loader = streams.get(stream);
      if (loader == null) {
        throw new ProtocolException("Line " + lineNumber + ": a RECORD of stream '" + stream
            + "' came before any SCHEMA of that stream. The tap must send a stream's SCHEMA before its records.",
            lineNumber, null);
      }
      lastLoader = loader;
    }
    return loader;
  }

  /**
   * A record read flat: the reading thread has checked its key properties and its values against
   * the stream's schema as it stood at that line (the same SCHEMA the loader was made from), and
   * there is neither metadata nor flattening to apply.
   */
  private void handleFlatRecord(FlatRecord record, long lineNumber, int size) {
    StreamLoader loader = loader(record.stream(), lineNumber);
    beforeWrite();
    loader.sink.write(record);
    afterWrite(loader, size);
  }

  private void beforeWrite() {
    if (uncommittedRows == 0) {
      oldestUncommittedNanos = System.nanoTime();
      batchedAt = metadata == null ? null : Timestamps.format(Instant.now());
    }
  }

  private void afterWrite(StreamLoader loader, int size) {
    uncommittedRows++;
    uncommittedBytes += size;
    if (++loader.uncommitted >= sdk.batchSizeRows() || uncommittedBytes >= sdk.batchSizeBytes()) {
      flushAll();
    }
  }

  private void handleRecord(RecordMessage message, long lineNumber, int size, byte[] text) {
    StreamLoader loader = loader(message.stream(), lineNumber);
    ObjectNode record = message.record();
    for (String key : loader.keyProperties) {
      if (!record.has(key)) {
        throw new ProtocolException("Line " + lineNumber + ": a RECORD of stream '" + message.stream()
            + "' has no value for its key property '" + key + "'. Every record must carry its key properties "
            + loader.keyProperties + ".", lineNumber, null);
      }
    }
    if (loader.validator != null) {
      List<String> problems = loader.validator.validate(record);
      if (!problems.isEmpty()) {
        throw new ProtocolException("Line " + lineNumber + ": a RECORD of stream '" + message.stream()
            + "' does not match the stream's schema: " + String.join("; ", problems)
            + ". Fix the tap, or set validate_records to false to load such records anyway.",
            lineNumber, null);
      }
    }
    if (flattener != null) {
      ObjectNode flat = flattener.flattenRecord(record);
      if (flat != record) {
        record = flat;
        text = null;
      }
    }
    beforeWrite();
    if (metadata != null) {
      metadata.addTo(record, message, receivedAt, batchedAt);
      text = null;
    }
    if (text != null) {
      loader.sink.write(record, message, text);
    } else {
      loader.sink.write(record, message);
    }
    afterWrite(loader, size);
  }

  /** Streams whose SCHEMA had a top-level type that is not a JSON Schema type (warned once). */
  private final java.util.Set<String> lenientSchemas = new java.util.HashSet<>();

  private void handleSchema(SchemaMessage message, long lineNumber) {
    String stream = message.stream();
    ObjectNode schema = message.schema();
    JsonNode type = schema.get("type");
    if (type != null && !allowsObject(type) && !namesJsonType(type) && message.properties() != null) {
      // Python targets only read "properties"; some taps' schemas say e.g. "type": "date-time" at the top
      if (lenientSchemas.add(stream)) {
        log.warn("Line " + lineNumber + ": the SCHEMA of stream '" + stream + "' has type " + type
            + ", which is not a JSON Schema type; it is read as an object schema with the properties it lists");
      }
      schema = schema.deepCopy();
      schema.put("type", "object");
      message = new SchemaMessage(stream, schema, message.keyProperties(), message.bookmarkProperties());
      type = schema.get("type");
    }
    if (type != null && !allowsObject(type)) {
      throw new ProtocolException("Line " + lineNumber + ": the SCHEMA of stream '" + stream
          + "' is not an object schema (its type is " + type + "). A record schema must have type \"object\".",
          lineNumber, null);
    }
    if (message.properties() == null) {
      throw new ProtocolException("Line " + lineNumber + ": the SCHEMA of stream '" + stream
          + "' has no \"properties\" object. A target needs the properties of the stream's records.",
          lineNumber, null);
    }
    StreamLoader existing = streams.get(stream);
    if (existing != null) {
      if (existing.schemaMessage.schema().equals(schema)
          && existing.keyProperties.equals(message.keyProperties())) {
        return;
      }
      log.info("Stream '" + stream + "' has a new schema (line " + lineNumber
          + "): committing every stream before loading with it");
      flushAll();
      streams.remove(stream);
      lastLoader = null;
      existing.sink.close();
    }
    ObjectNode sinkSchema = schema;
    if (flattener != null) {
      sinkSchema = flattener.flattenSchema(sinkSchema);
    }
    if (metadata != null) {
      sinkSchema = RecordMetadata.addToSchema(sinkSchema);
    }
    RecordValidator validator = null;
    if (sdk.validateRecords()) {
      try {
        validator = RecordValidator.compile(schema);
      } catch (RuntimeException e) {
        throw new ProtocolException("Line " + lineNumber + ": the SCHEMA of stream '" + stream
            + "' is not a usable JSON Schema: " + e.getMessage(), lineNumber, e);
      }
    }
    Sink sink = target.sink(new SinkContext<>(
        stream, sinkSchema, message.keyProperties(), message, settings, sdk));
    streams.put(stream, new StreamLoader(stream, message, validator, sink));
    recordCounts.putIfAbsent(stream, 0L);
  }

  private static final java.util.Set<String> JSON_TYPES =
      java.util.Set.of("object", "array", "string", "number", "integer", "boolean", "null");

  /** Whether a schema's type names only JSON Schema's own types (so a non-object one is meant). */
  private static boolean namesJsonType(JsonNode type) {
    if (type.isTextual()) {
      return JSON_TYPES.contains(type.textValue());
    }
    for (JsonNode item : type) {
      if (!item.isTextual() || !JSON_TYPES.contains(item.textValue())) {
        return false;
      }
    }
    return true;
  }

  private static boolean allowsObject(JsonNode type) {
    if (type.isTextual()) {
      return type.textValue().equals("object");
    }
    for (JsonNode item : type) {
      if (item.isTextual() && item.textValue().equals("object")) {
        return true;
      }
    }
    return false;
  }

  private void handleState(StateMessage message) {
    if (message.isEmpty() && (hasContent(pendingState) || hasContent(echoedState))) {
      return;
    }
    pendingState = message.value();
    if (uncommittedRows == 0) {
      echoPendingState();
    }
  }

  private static boolean hasContent(JsonNode state) {
    return state != null && !new StateMessage(state).isEmpty();
  }

  private void handleActivateVersion(ActivateVersionMessage message, long lineNumber) {
    StreamLoader loader = streams.get(message.stream());
    if (loader == null) {
      log.warn("Line " + lineNumber + ": ignored an ACTIVATE_VERSION of stream '" + message.stream()
          + "', which has no SCHEMA yet");
      return;
    }
    flushAll();
    loader.sink.activateVersion(message.version());
  }

  /** Commits every sink holding uncommitted records, then echoes the latest state. */
  private void flushAll() {
    for (StreamLoader loader : streams.values()) {
      if (loader.uncommitted == 0) {
        continue;
      }
      long started = System.nanoTime();
      loader.sink.commit();
      recordCounts.merge(loader.stream, loader.uncommitted, Long::sum);
      ObjectNode metric = Json.object();
      metric.put("type", "timer");
      metric.put("metric", "batch_commit");
      metric.put("value", secondsSince(started));
      ObjectNode tags = metric.putObject("tags");
      tags.put("stream", loader.stream);
      tags.put("batch_size", loader.uncommitted);
      tags.put("status", "succeeded");
      log.metric(Json.write(metric));
      loader.uncommitted = 0;
    }
    uncommittedRows = 0;
    uncommittedBytes = 0;
    echoPendingState();
  }

  /** Seconds since a {@link System#nanoTime()} reading, to the microsecond, for metrics. */
  static java.math.BigDecimal secondsSince(long startedNanos) {
    return java.math.BigDecimal.valueOf((System.nanoTime() - startedNanos) / 1000, 6);
  }

  private void echoPendingState() {
    if (pendingState == null) {
      return;
    }
    if (!pendingState.equals(echoedState)) {
      out.writeState(pendingState);
      echoedState = pendingState;
    }
    pendingState = null;
  }

  private void closeAll() {
    RuntimeException failure = null;
    for (StreamLoader loader : streams.values()) {
      try {
        loader.sink.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    streams.clear();
    if (failure != null) {
      throw failure;
    }
  }

  private void abortAll() {
    for (StreamLoader loader : streams.values()) {
      try {
        loader.sink.abort();
      } catch (RuntimeException e) {
        log.warn("Could not discard the uncommitted records of stream '" + loader.stream + "': " + e.getMessage());
      }
      try {
        loader.sink.close();
      } catch (RuntimeException e) {
        log.warn("Could not close the sink of stream '" + loader.stream + "': " + e.getMessage());
      }
    }
    streams.clear();
  }

  private static final class StreamLoader {
    final String stream;
    final SchemaMessage schemaMessage;
    final List<String> keyProperties;
    final RecordValidator validator;
    final Sink sink;
    long uncommitted;

    StreamLoader(String stream, SchemaMessage schemaMessage, RecordValidator validator, Sink sink) {
      this.stream = stream;
      this.schemaMessage = schemaMessage;
      this.keyProperties = schemaMessage.keyProperties();
      this.validator = validator;
      this.sink = sink;
    }
  }
}
