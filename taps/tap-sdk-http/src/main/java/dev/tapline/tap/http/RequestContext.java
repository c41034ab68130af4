package dev.tapline.tap.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.tap.StreamContext;
import java.time.Instant;
import java.util.Optional;

/**
 * What a request of an {@link HttpStream} is built from besides the page: the run's view of the
 * stream, the parent record (for a child stream), and the time window being read (for a stream
 * read in windows).
 *
 * @param stream the run's view of the stream being synced; null only while a stream samples its
 *     API outside a sync (e.g. to infer a schema during discovery)
 * @param parent the parent record whose children are read, or null for a top-level stream
 * @param window the window being read, or null when the stream is not read in windows
 */
public record RequestContext(StreamContext stream, ObjectNode parent, Window window) {

  /**
   * A half-open time window {@code [start, end)}.
   *
   * @param start the first instant in the window
   * @param end the first instant after it
   */
  public record Window(Instant start, Instant end) {}

  /** A context of a top-level stream without windows. */
  public static RequestContext of(StreamContext stream) {
    return new RequestContext(stream, null, null);
  }

  /** The same context for another parent record. */
  public RequestContext withParent(ObjectNode record) {
    return new RequestContext(stream, record, window);
  }

  /** The same context for another window. */
  public RequestContext withWindow(Window value) {
    return new RequestContext(stream, parent, value);
  }

  /** The starting value of the stream as an instant, when it is one. */
  public Optional<Instant> startingInstant() {
    return stream.startingInstant();
  }
}
