package dev.tapline.tap.http;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.TaplineException;
import dev.tapline.tap.StreamContext;
import dev.tapline.tap.TapStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A stream read from an HTTP API. The author says only what is special about the API:
 *
 * <ul>
 *   <li>{@link #spec()}: name, schema, key, replication key (as for every {@link TapStream});
 *   <li>{@link #request(Page, RequestContext)}: the request for a page, built from the context
 *       (starting value, parent record, window) - paging parameters are added by the paginator;
 *   <li>{@link #recordsPointer()}: where the records are in the body (a JSON Pointer);
 *   <li>{@link #paginator()}: how pages follow each other;
 *   <li>optionally {@link #transform}, {@link #parent()} (child streams) and {@link #windows}.
 * </ul>
 *
 * <p>Credentials, retries, rate limits, logs and metrics belong to the {@link ApiClient} given to
 * the constructor, usually one per tap run shared by all its streams.
 *
 * <p>A child stream ({@link #parent()} not null) sends its requests once per parent record: the
 * parent is read with the child's context (so from the child's starting value), and each parent
 * record reaches {@link #request} as {@link RequestContext#parent()}.
 */
public abstract class HttpStream implements TapStream {

  private final ApiClient client;
  private volatile JsonPointer compiledPointer;

  protected HttpStream(ApiClient client) {
    this.client = client;
  }

  /** The client requests go through. */
  protected final ApiClient client() {
    return client;
  }

  /**
   * The request for one page, without paging parameters and credentials. Called on the thread
   * reading the records, once per page.
   *
   * @param page the page about to be read ({@link Page#FIRST} first)
   * @param context the stream's run context, parent record and window
   */
  protected abstract ApiRequest request(Page page, RequestContext context);

  /**
   * Where the records are in the response body, as a JSON Pointer ({@code /data}, {@code
   * /results/items}); {@code ""} (the default) when the body itself is the array of records. A
   * body that is one object is one record.
   */
  protected String recordsPointer() {
    return "";
  }

  /** How pages follow each other; one page by default. */
  protected Paginator paginator() {
    return Paginator.SINGLE_PAGE;
  }

  /**
   * Changes a record before it is handed to the SDK, or drops it by returning null. Called on the
   * reading thread for each record, after the paginator saw the page.
   */
  protected ObjectNode transform(ObjectNode record, RequestContext context) {
    return record;
  }

  /** The parent stream of a child stream, or null (the default) for a top-level stream. */
  protected HttpStream parent() {
    return null;
  }

  /**
   * The time windows the stream is read in, each one a full paged listing with {@link
   * RequestContext#window()} set; a single context without window by default.
   */
  protected List<RequestContext> windows(RequestContext context) {
    return List.of(context);
  }

  @Override
  public Stream<ObjectNode> records(StreamContext context) {
    return records(RequestContext.of(context));
  }

  /**
   * The records for a context: every window, every page, and for a child stream every parent
   * record; lazy, so a sync that stops early sends no more requests.
   */
  protected Stream<ObjectNode> records(RequestContext context) {
    HttpStream parent = parent();
    if (parent == null) {
      return windows(context).stream().flatMap(this::read);
    }
    return parent.records(new RequestContext(context.stream(), null, null))
        .flatMap(record -> windows(context.withParent(record)).stream().flatMap(this::read));
  }

  /** One paged listing: the pages of {@link #request} for this context, lazily. */
  protected final Stream<ObjectNode> read(RequestContext context) {
    Iterator<ObjectNode> pages = new PageIterator(context);
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(pages, Spliterator.ORDERED | Spliterator.NONNULL), false);
  }

  /**
   * The stream's name in logs, metrics and errors; {@code spec().name()} by default. A stream
   * whose {@link #spec()} itself reads the API (to infer a schema) returns its name here.
   */
  protected String name() {
    return spec().name();
  }

  /** The records of one response, as the records pointer finds them. */
  protected List<ObjectNode> recordsOf(ApiResponse response) {
    JsonPointer pointer = compiledPointer;
    if (pointer == null) {
      pointer = JsonPointers.compile(recordsPointer(), "records_path");
      compiledPointer = pointer;
    }
    JsonNode found = response.json().at(pointer);
    if (found.isMissingNode() || found.isNull()) {
      return List.of();
    }
    if (found.isObject()) {
      return List.of((ObjectNode) found);
    }
    if (!found.isArray()) {
      throw new TaplineException("Stream '" + name() + "': " + pointerText()
          + " of the response of " + ApiClient.redactedUrl(response.request()) + " is "
          + found.getNodeType() + ", not an array of records; check the records path.");
    }
    List<ObjectNode> records = new ArrayList<>(found.size());
    for (JsonNode item : found) {
      if (!(item instanceof ObjectNode object)) {
        throw new TaplineException("Stream '" + name() + "': an item at " + pointerText()
            + " of " + ApiClient.redactedUrl(response.request()) + " is " + item.getNodeType()
            + ", not an object; check the records path.");
      }
      records.add(object);
    }
    return records;
  }

  private String pointerText() {
    return recordsPointer().isEmpty() ? "the body" : "'" + recordsPointer() + "'";
  }

  /** Reads pages one by one as records are taken. */
  private final class PageIterator implements Iterator<ObjectNode> {
    private final RequestContext context;
    private final Paginator paginator = paginator();
    private final Set<String> tokens = new HashSet<>();
    private Page page = Page.FIRST;
    private boolean lastPage;
    private List<ObjectNode> current = Collections.emptyList();
    private int position;
    private ObjectNode next;

    PageIterator(RequestContext context) {
      this.context = context;
    }

    @Override
    public boolean hasNext() {
      while (next == null) {
        if (position < current.size()) {
          next = transform(current.get(position++), context);
          continue;
        }
        if (lastPage) {
          return false;
        }
        fetch();
      }
      return true;
    }

    @Override
    public ObjectNode next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      ObjectNode record = next;
      next = null;
      return record;
    }

    private void fetch() {
      ApiRequest request = paginator.apply(request(page, context), page);
      ApiResponse response = client.execute(request, name());
      List<ObjectNode> records = recordsOf(response);
      Optional<JsonNode> token = paginator.nextToken(page, response, records);
      if (token.isEmpty() || (context.stream() != null && context.stream().isTestRun())) {
        lastPage = true;
      } else {
        String text = token.get().toString();
        if (!tokens.add(text)) {
          throw new TaplineException("Stream '" + name() + "': the paginator returned the"
              + " token " + text + " a second time (after page " + (page.number() + 1) + " of "
              + ApiClient.redactedUrl(request) + "); the API ignores the paging parameter or the"
              + " paginator is wrong. Stopping instead of reading the same pages forever.");
        }
        page = page.next(token.get());
      }
      current = records;
      position = 0;
    }
  }
}
