package dev.tapline.tap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.CatalogEntry;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * One stream of a tap. A tap makes its streams in {@link Tap#streams} from its settings; the SDK
 * then asks each for its {@link #spec()} (for discovery and the SCHEMA message) and, when the stream
 * is selected, for its {@link #records}.
 *
 * <p>The SDK writes the messages, keeps the bookmark, drops properties the catalog deselected, and
 * drops records older than {@link StreamContext#startingValue()} (a stream may skip them sooner,
 * at the source, which is faster). The SCHEMA sent is always the stream's own schema ({@link
 * #specFor} the replication method in use) without the deselected properties: a schema edited in
 * a catalog file is not used (records are built to the stream's schema).
 *
 * <p>A stream that holds resources for the run (an HTTP client, a connection pool) also
 * implements {@link AutoCloseable}: the SDK closes it once the run ends, whatever its outcome
 * (sync, discovery, {@code --test} or failure), on the main thread, after every stream's records
 * were closed. Streams sharing one resource each close it, so it must tolerate a second close.
 */
public interface TapStream {

  /**
   * What this stream is. Called once or more per run, on the main thread, before any record is
   * read; keep it cheap or compute it once.
   */
  StreamSpec spec();

  /**
   * What this stream is when read with {@code method}, for a stream whose records have
   * properties that only some methods give (e.g. change-log metadata of {@code LOG_BASED}). The
   * SDK takes the SCHEMA it sends and the properties it selects from it; the name, key
   * properties, replication keys and methods stay those of {@link #spec()}. Called once per sync
   * on the main thread, after the catalog chose the method and before {@link
   * Tap#beforeSync}; the default returns {@link #spec()}.
   */
  default StreamSpec specFor(ReplicationMethod method) {
    return spec();
  }

  /**
   * The records of one sync, read lazily. The SDK consumes the stream on one thread (which may be
   * a thread of its own, not the caller of {@link Tap#execute}) and closes it when done, early
   * included ({@code --test} reads one record), so put resources in {@link Stream#onClose}.
   *
   * <p>Each record is handed over: the stream does not touch it once returned. Numbers must be
   * exact ({@code BigDecimal}, {@code long}, {@link DecimalTextNode}), never {@code double}.
   *
   * @param context the run's view of this stream: settings, catalog entry, starting value, logger
   */
  Stream<ObjectNode> records(StreamContext context);

  /**
   * Called once per sync (not under {@code --test}) on the main thread, with every selected stream
   * in sync order, after {@link Tap#beforeSync} and before the first message: a stream can prepare
   * for what the run will read, e.g. a parent stream keeping its records for a selected child read
   * after it. The default does nothing.
   *
   * @param selected the selected streams with their contexts; never null, includes this one
   */
  default void beforeSync(List<SelectedStream> selected) {}

  /**
   * The highest replication-key value the source had when the sync started, or null when the
   * source cannot tell. The bookmark never moves past it, so rows changed during the sync are read
   * again next time. Called once per sync, before {@link #records}. A stream of a live source
   * bookmarked on a timestamp can return {@code context.syncStartedAtValue()}.
   */
  default JsonNode signpost(StreamContext context) {
    return null;
  }

  /**
   * The stream's entry in the catalog {@code --discover} writes, and the entry used when a sync
   * runs without {@code --catalog}. The default holds the schema, the key and the standard
   * metadata the {@link #spec()} implies ({@code inclusion}, {@code selected-by-default}, {@code
   * table-key-properties}, {@code valid-replication-keys}, {@code forced-replication-method}).
   *
   * <p>Override it to describe what only the source knows, starting from the default: <pre>{@code
   * CatalogEntry entry = TapStream.super.catalogEntry();
   * return entry.withMetadata(entry.metadata().with(List.of(), Metadata.ROW_COUNT, rows));
   * }</pre>
   * Called on the main thread, once per stream and run, before any record is read; never returns
   * null. The schema and key properties of the returned entry should be the spec's: the SDK
   * always sends the spec's schema.
   */
  default CatalogEntry catalogEntry() {
    return Discovery.entry(spec());
  }

  /**
   * A stream made of a spec and a function giving its records, for streams that need nothing else
   * (no signpost).
   */
  static TapStream of(StreamSpec spec, Function<StreamContext, Stream<ObjectNode>> records) {
    return new TapStream() {
      @Override
      public StreamSpec spec() {
        return spec;
      }

      @Override
      public Stream<ObjectNode> records(StreamContext context) {
        return records.apply(context);
      }
    };
  }
}
