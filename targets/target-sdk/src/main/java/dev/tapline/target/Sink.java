package dev.tapline.target;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.RecordMessage;

/**
 * Loads the records of one stream into a destination. A target makes sinks in {@link
 * Target#sink(SinkContext)}; the SDK owns everything else: reading, validation, batching, the state
 * rule and the command line.
 *
 * <h2>Life cycle</h2>
 *
 * <ul>
 *   <li>A sink is made when a stream's first SCHEMA arrives, and made again when a later SCHEMA of
 *       the stream changes the schema or the key properties. Before the new sink is made, every
 *       sink with uncommitted records is committed and the old sink of the stream is closed. A
 *       SCHEMA that repeats the current one keeps the sink.
 *   <li>{@link #write} is called once per record, in input order. The sink may stage the record
 *       anywhere (a file, a COPY stream, an appender, a bounded buffer): it is not yet durable.
 *   <li>{@link #commit()} ends a batch: everything written since the last commit must be durable
 *       when it returns. The SDK calls it when a batch is full (by rows, bytes or age: then all
 *       sinks are committed together), before an ACTIVATE_VERSION, before a schema change, at the
 *       end of the input and when the process is asked to stop (SIGTERM). A SQL sink stages a batch
 *       in {@code write} and merges and commits it in one transaction here.
 *   <li>{@link #activateVersion(long)} follows a commit of the same sink.
 *   <li>{@link #abort()} is called instead of {@code commit()} when the run fails: the sink
 *       discards what it staged since the last commit as far as it can (roll back, truncate).
 *   <li>{@link #close()} is called last, exactly once, after a commit or an abort.
 * </ul>
 *
 * <h2>Threads and memory</h2>
 *
 * <p>All methods are called on one thread, the SDK's loading thread, never concurrently. The SDK
 * bounds a batch by {@code batch_size_rows} and {@code batch_size_bytes}; a sink that keeps records
 * in memory may rely on those bounds, and must not keep anything across commits that grows with the
 * input.
 *
 * <p>An exception from any method fails the run: the SDK aborts and closes every sink, echoes no
 * state beyond what was committed and exits with code 1. The exception's message is shown to the
 * user, so it says what failed and where.
 */
public interface Sink extends AutoCloseable {

  /**
   * Stages one record.
   *
   * @param record the record to load, never null. It belongs to the sink from now on (the SDK does
   *     not touch it again). It has been validated (when {@code validate_records} is on), carries
   *     the metadata properties when {@code add_record_metadata} is on and is flattened when
   *     flattening is on; numbers are exact ({@code BigDecimal}/{@code BigInteger}).
   * @param message the message the record came in, never null: {@code timeExtracted()} and {@code
   *     version()} may be null
   */
  void write(ObjectNode record, RecordMessage message);

  /**
   * Stages one record that reaches the sink unchanged, together with the exact JSON text it
   * arrived in; called instead of {@link #write(ObjectNode, RecordMessage)} when that text is at
   * hand (the target says {@code usesRecordText()}, no metadata added, no flattening). A sink that stores JSON may copy the text rather than
   * serialise the record again. The default ignores the text.
   *
   * @param json UTF-8 bytes of the record object exactly as received, never null; owned by the
   *     sink from now on
   */
  default void write(ObjectNode record, RecordMessage message, byte[] json) {
    write(record, message);
  }

  /**
   * Stages one record read flat: a plain RECORD of scalar values, already checked against the
   * stream's schema, whose values the sink reads from their JSON text (see {@link FlatRecord}).
   * Called instead of the other {@code write}s only when the target says {@link
   * Target#acceptsFlatRecords()} and neither metadata nor flattening is on. The default builds the
   * record's tree and message and calls {@link #write(ObjectNode, RecordMessage)}.
   *
   * @param record the record; its bytes are shared with other records and must not be changed
   */
  default void write(FlatRecord record) {
    write(record.toTree(), record.toMessage());
  }

  /** Makes every record written since the last commit durable. Called only after a write. */
  void commit();

  /**
   * The records of {@code version} are now the whole content of the stream: a sink that can,
   * removes (or marks deleted) the records of older versions. Called after {@link #commit()}. The
   * default does nothing, which suits append-only destinations.
   */
  default void activateVersion(long version) {}

  /** Discards what was written since the last commit, as far as the destination allows. */
  default void abort() {}

  /** Releases the destination. Called once, after a commit or an abort. */
  @Override
  void close();
}
