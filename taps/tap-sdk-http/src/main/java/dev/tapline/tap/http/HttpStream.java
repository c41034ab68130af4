package dev.tapline.tap.http;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.TaplineException;
import dev.tapline.tap.SelectedStream;
import dev.tapline.tap.StreamContext;
import dev.tapline.tap.TapStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * <p>A child stream ({@link #parent()} not null) sends its requests once per parent record, and
 * each parent record reaches {@link #request} as {@link RequestContext#parent()}. By default
 * ({@link #statePerParent()}) the child keeps a bookmark per parent: the parent list is read in
 * full, and the children of each parent are read from that parent's own bookmark ({@link
 * RequestContext#stream()} is the parent's partition, see {@link StreamContext#beginPartition});
 * the state holds {@code "partitions": [{"context": {"id": ...}, "replication_key": ...,
 * "replication_key_value": ...}]} in the child's bookmark. Without it, the parent is read with
 * the child's context (so from the child's one starting value).
 */
public abstract class HttpStream implements TapStream, AutoCloseable {

  private final ApiClient client;
  private volatile JsonPointer compiledPointer;
  private volatile List<String> parentKeys;
  // on a parent stream: whether a selected child reads it after it, and what it read this run
  private volatile boolean keepRecords;
  private volatile KeptRecords kept;

  /** At most this many records of a parent are kept for its children; past it they read it again. */
  private static final int KEPT_RECORDS_LIMIT = 10_000;

  /** A parent's records as one run read them in full. */
  private record KeptRecords(java.time.Instant syncStartedAt, List<ObjectNode> records) {}

  protected HttpStream(ApiClient client) {
    this.client = client;
  }

  /** The client requests go through. */
  protected final ApiClient client() {
    return client;
  }

  /**
   * Closes the client (its connections and threads). The SDK calls it once the run ends, for
   * every stream the tap listed (see {@link TapStream}); a client shared by several streams is
   * closed once per stream, which it tolerates. Do not read the stream afterwards.
   */
  @Override
  public void close() {
    kept = null;
    keepRecords = false;
    client.close();
  }

  /**
   * The request for one page, without paging parameters and credentials.
   *
   * <p>Called once per page, on the thread reading the records for the first page and on a
   * helper thread for the pages after it (read one page ahead), never on two threads at once for
   * the same listing.
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
   * Whether a child stream keeps its bookmark per parent record (true, the default) or one
   * bookmark for all parents (false). Per parent, the parent list is read in full on every run
   * and the state holds one entry per parent ever read: right for parents that are few
   * (repositories, projects, accounts). For children of a large or growing list (invoices of an
   * account), return false and read the parent from the child's bookmark instead. Called once per
   * sync, on the reading thread; ignored for a top-level stream and a stream without replication
   * key.
   */
  protected boolean statePerParent() {
    return true;
  }

  /**
   * What identifies a parent record in the child's state, when {@link #statePerParent()}: by
   * default the parent's key properties with their values (e.g. {@code {"id": 42}}). Override it
   * to name them for readers of the state (e.g. {@code {"repository": "tapline"}}). Called on the
   * reading thread once per parent record; keep the object small and its values plain.
   *
   * @param parentRecord a record of {@link #parent()}, never null
   */
  protected ObjectNode partitionContext(ObjectNode parentRecord) {
    HttpStream parent = parent();
    List<String> keys = parentKeys;
    if (keys == null) {
      keys = parent.spec().keyProperties();
      parentKeys = keys;
    }
    if (keys.isEmpty()) {
      throw new TaplineException("Stream '" + name() + "' keeps its bookmark per parent but its"
          + " parent '" + parent.name() + "' has no key properties; give the parent a key or"
          + " override partitionContext.");
    }
    ObjectNode context = parentRecord.objectNode();
    for (String key : keys) {
      JsonNode value = parentRecord.get(key);
      if (value == null || value.isNull()) {
        throw new TaplineException("Stream '" + name() + "': a record of its parent '"
            + parent.name() + "' has no " + key + "; the children cannot be bookmarked per parent.");
      }
      context.set(key, value);
    }
    return context;
  }

  /**
   * Called after the last record of a window ({@link #windows}) was handed over, when the window
   * was read to its last page (not when the stream is closed early), before the next window's
   * first request; on the thread reading the records. A stream whose windows are a safe place to
   * resume can move its bookmark here ({@code window.stream().advanceBookmark(...)}, see {@link
   * StreamContext#advanceBookmark}). Does nothing by default.
   *
   * @param window the context of the window just read, {@link RequestContext#window()} set
   */
  protected void afterWindow(RequestContext window) {}

  /**
   * The time windows the stream is read in, each one a full paged listing with {@link
   * RequestContext#window()} set; a single context without window by default.
   */
  protected List<RequestContext> windows(RequestContext context) {
    return List.of(context);
  }

  @Override
  public Stream<ObjectNode> records(StreamContext context) {
    Stream<ObjectNode> records = records(RequestContext.of(context));
    if (!keepRecords || context.startingValue().isPresent()) {
      return records;
    }
    // a selected child reads this stream after it, in full: its records are kept for the child
    List<ObjectNode> copies = new ArrayList<>();
    Stream<ObjectNode> keeping = records.map(record -> {
      if (copies.size() <= KEPT_RECORDS_LIMIT) {
        copies.add(record.deepCopy());
      }
      return record;
    });
    return LazyStreams.thenRun(keeping, () -> {
      if (copies.size() <= KEPT_RECORDS_LIMIT) {
        kept = new KeptRecords(context.syncStartedAt(), List.copyOf(copies));
      }
    });
  }

  /**
   * Prepares a child stream's run: when its parent is selected too, synced before it and its
   * bookmarks are per parent, the parent keeps the records it reads (from the start, up to {@value
   * #KEPT_RECORDS_LIMIT}) and the child takes its parents from them instead of reading the parent
   * list again.
   */
  @Override
  public void beforeSync(List<SelectedStream> selected) {
    HttpStream parent = parent();
    if (parent == null || !statePerParent()) {
      return;
    }
    int child = -1;
    int parentPosition = -1;
    for (int i = 0; i < selected.size(); i++) {
      if (selected.get(i).stream() == this) {
        child = i;
      } else if (selected.get(i).stream() == parent) {
        parentPosition = i;
      }
    }
    if (child >= 0 && parentPosition >= 0 && parentPosition < child
        && selected.get(child).context().replicationKey() != null) {
      parent.keepRecords = true;
    }
  }

  /**
   * The records for a context: every window, every page, and for a child stream every parent
   * record; lazy, so a sync that stops early sends no more requests.
   */
  protected Stream<ObjectNode> records(RequestContext context) {
    HttpStream parent = parent();
    if (parent == null) {
      return readWindows(context);
    }
    StreamContext stream = context.stream();
    boolean perParent = stream != null && stream.replicationKey() != null && statePerParent();
    KeptRecords known = perParent ? parent.kept : null;
    Stream<ObjectNode> parents;
    if (known != null && known.syncStartedAt().equals(stream.syncStartedAt())) {
      stream.log().info("Stream '" + name() + "': its parents are the " + known.records().size()
          + " records of '" + parent.name() + "' read earlier in this run.");
      parents = known.records().stream().map(ObjectNode::deepCopy);
    } else {
      parents = parent.records(
          new RequestContext(perParent ? stream.fromTheStart() : stream, null, null));
    }
    return LazyStreams.flatMap(parents, record -> readWindows(perParent
        ? new RequestContext(stream.beginPartition(partitionContext(record)), record, context.window())
        : context.withParent(record)));
  }

  /** Every window of a context, one after the other, {@link #afterWindow} after each. */
  protected final Stream<ObjectNode> readWindows(RequestContext context) {
    List<RequestContext> windows = windows(context);
    if (windows.size() == 1 && windows.get(0).window() == null) {
      return read(windows.get(0));
    }
    return LazyStreams.flatMap(windows.stream(), this::read, this::afterWindow);
  }

  /** One paged listing: the pages of {@link #request} for this context, lazily. */
  protected final Stream<ObjectNode> read(RequestContext context) {
    PageIterator pages = new PageIterator(context);
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(pages, Spliterator.ORDERED | Spliterator.NONNULL), false)
        .onClose(pages::cancel);
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

  /** A page read: its records, the response, and the token of the next page if any. */
  private record PageResult(Page page, ApiRequest request, List<ObjectNode> records, JsonNode nextToken) {}

  private PageResult fetchPage(Page page, RequestContext context, Paginator paginator) {
    ApiRequest request = paginator.apply(request(page, context), page);
    ApiResponse response = client.execute(request, name());
    List<ObjectNode> records = recordsOf(response);
    JsonNode token = paginator.nextToken(page, response, records).orElse(null);
    return new PageResult(page, request, records, token);
  }

  private static final ExecutorService READ_AHEAD = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "http-read-ahead");
    thread.setDaemon(true);
    return thread;
  });

  /**
   * Reads pages as records are taken, one page ahead: while the records of a page are handed over,
   * the next page is already being requested on a helper thread, so the API's latency and the
   * writing of records overlap.
   */
  private final class PageIterator implements Iterator<ObjectNode> {
    private final RequestContext context;
    private final Paginator paginator = paginator();
    private final Set<String> tokens = new HashSet<>();
    private final boolean testRun;
    private Future<PageResult> pending;
    private boolean lastPage;
    private List<ObjectNode> current = Collections.emptyList();
    private int position;
    private ObjectNode next;

    PageIterator(RequestContext context) {
      this.context = context;
      this.testRun = context.stream() != null && context.stream().isTestRun();
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
        advance();
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

    private void advance() {
      PageResult result = pending == null ? fetchPage(Page.FIRST, context, paginator) : await();
      pending = null;
      current = result.records();
      position = 0;
      JsonNode token = result.nextToken();
      if (token == null || testRun) {
        lastPage = true;
        return;
      }
      String text = token.toString();
      if (!tokens.add(text)) {
        throw new TaplineException("Stream '" + name() + "': the paginator returned the"
            + " token " + text + " a second time (after page " + (result.page().number() + 1)
            + " of " + ApiClient.redactedUrl(result.request()) + "); the API ignores the paging"
            + " parameter or the paginator is wrong. Stopping instead of reading the same pages"
            + " forever.");
      }
      Page following = result.page().next(token);
      pending = READ_AHEAD.submit(() -> fetchPage(following, context, paginator));
    }

    private PageResult await() {
      try {
        return pending.get();
      } catch (InterruptedException e) {
        pending.cancel(true);
        Thread.currentThread().interrupt();
        throw new TaplineException("Stream '" + name() + "': interrupted while reading a page", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException runtime) {
          throw runtime;
        }
        if (cause instanceof Error error) {
          throw error;
        }
        throw new TaplineException("Stream '" + name() + "': " + cause, cause);
      }
    }

    /** Gives up a page read ahead that nobody will take (the stream was closed early). */
    void cancel() {
      if (pending != null) {
        pending.cancel(true);
        pending = null;
      }
    }
  }
}
