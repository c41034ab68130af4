package dev.tapline.tap.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import dev.tapline.spec.Timestamps;
import dev.tapline.tap.StreamContext;
import dev.tapline.tap.StreamSpec;
import dev.tapline.tap.http.ApiClient;
import dev.tapline.tap.http.ApiRequest;
import dev.tapline.tap.http.HttpStream;
import dev.tapline.tap.http.LazyStreams;
import dev.tapline.tap.http.Page;
import dev.tapline.tap.http.Paginator;
import dev.tapline.tap.http.RequestContext;
import dev.tapline.tap.http.StartingAfterPaginator;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One top-level Stripe list. Records: objects created in the sync's windows, then (incremental
 * runs of mutable streams) the newest version of every object changed or deleted according to the
 * Events API. A "raw" instance (the parent of a child stream) hands objects over unconverted, with
 * {@code updated} in epoch seconds, so list envelopes can still be followed.
 *
 * <p>The bookmark is the window end (the sync's start; less the lookback window for immutable
 * lists, as the signpost holds it back), set with {@link StreamContext#advanceBookmark} once
 * everything before it was handed over, also when nothing was found. Stripe lists a window newest
 * first, so a value inside a window is never a safe place to resume; the end of a window read to
 * its last page is, while nothing else remains to be read for the period before it: after each
 * window on a first run and for immutable lists, only after the events on incremental runs of
 * mutable lists (the changes they carry cover the whole period). A run that fails keeps the last
 * bookmark written, which never covers what was not emitted.
 */
final class StripeStream extends HttpStream {

  static final String UPDATED = "updated";
  static final Paginator PAGINATOR = new StartingAfterPaginator();
  private static final Duration EVENT_HORIZON = Duration.ofDays(30);

  private final StripeTap.Settings settings;
  private final StripeObjectType type;
  private final boolean raw;
  private final ObjectNode schema;
  private final StripeRecords converter;
  private final EventsReader events;

  StripeStream(ApiClient client, StripeTap.Settings settings, StripeObjectType type, boolean raw) {
    super(client);
    this.settings = settings;
    this.type = type;
    this.raw = raw;
    this.schema = loadSchema(type.stream());
    this.converter = StripeRecords.compile(schema);
    this.events = new EventsReader(client, settings, type);
  }

  static ObjectNode loadSchema(String stream) {
    String resource = "schemas/" + stream + ".json";
    try (InputStream in = StripeStream.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new ConfigurationException("tap-stripe has no schema for stream " + stream);
      }
      return (ObjectNode) Json.mapper().readTree(in);
    } catch (IOException e) {
      throw new ConfigurationException("Cannot read the schema of stream " + stream + ": " + e.getMessage());
    }
  }

  @Override
  public StreamSpec spec() {
    return StreamSpec.of(type.stream(), schema).withKeyProperties("id")
        .withReplicationKey(UPDATED, false);
  }

  /** Mutable lists: the window end; immutable lists: the window end less the lookback window. */
  @Override
  public JsonNode signpost(StreamContext context) {
    Instant end = windowEnd(context);
    if (!type.mutable()) {
      end = end.minusSeconds(settings.lookbackWindow());
    }
    return Json.NODES.textNode(Timestamps.format(end));
  }

  static Instant windowEnd(StreamContext context) {
    return context.syncStartedAt().truncatedTo(ChronoUnit.SECONDS);
  }

  static Instant windowStart(StreamContext context, StripeTap.Settings settings) {
    return context.startingInstant().orElse(settings.startDate()).truncatedTo(ChronoUnit.SECONDS);
  }

  static List<RequestContext> split(RequestContext context, Instant start, Instant end, int days) {
    List<RequestContext> windows = new ArrayList<>();
    Instant from = start;
    while (from.isBefore(end)) {
      Instant to = from.plus(Duration.ofDays(days));
      if (to.isAfter(end)) {
        to = end;
      }
      windows.add(context.withWindow(new RequestContext.Window(from, to)));
      from = to;
    }
    return windows;
  }

  @Override
  protected List<RequestContext> windows(RequestContext context) {
    return split(context, windowStart(context.stream(), settings), windowEnd(context.stream()),
        settings.dateWindowSize());
  }

  @Override
  protected Stream<ObjectNode> records(RequestContext context) {
    StreamContext stream = context.stream();
    Stream<ObjectNode> created = super.records(context);
    Stream<ObjectNode> all = readsEvents(stream)
        ? LazyStreams.concat(created, () -> updates(context))
        : created;
    return LazyStreams.thenRun(all, () -> stream.advanceBookmark(timestamp(windowEnd(stream))));
  }

  /** Whether changes to older objects come from the Events API after the windows (see class). */
  private boolean readsEvents(StreamContext stream) {
    return type.mutable() && stream.bookmark().isPresent();
  }

  @Override
  protected void afterWindow(RequestContext window) {
    if (!readsEvents(window.stream())) {
      window.stream().advanceBookmark(timestamp(window.window().end()));
    }
  }

  private static JsonNode timestamp(Instant instant) {
    return Json.NODES.textNode(Timestamps.format(instant));
  }

  /** The newest version of each object changed in the events of the sync's period. */
  private Stream<ObjectNode> updates(RequestContext context) {
    Instant end = windowEnd(context.stream());
    Instant start = windowStart(context.stream(), settings);
    Instant horizon = end.minus(EVENT_HORIZON);
    if (start.isBefore(horizon)) {
      context.stream().log().warn("Stream '" + type.stream() + "': changes before " + horizon
          + " are past the 30 days Stripe keeps events; objects changed earlier keep their"
          + " earlier version until a full sync.");
      start = horizon;
    }
    Map<String, ObjectNode> newest = new LinkedHashMap<>();
    Map<String, Long> newestAt = new LinkedHashMap<>();
    for (RequestContext window : split(context, start, end, settings.eventDateWindowSize())) {
      events.readEvents(window).forEach(event -> {
        JsonNode object = event.path("data").path("object");
        if (!(object instanceof ObjectNode changed)
            || !type.objectType().equals(changed.path("object").asText())) {
          return;
        }
        String id = changed.path("id").asText();
        long at = event.path("created").asLong();
        Long known = newestAt.get(id);
        if (known == null || at >= known) {
          newestAt.put(id, at);
          ObjectNode copy = changed.deepCopy();
          copy.put(UPDATED, at);
          if (event.path("type").asText().endsWith(".deleted")) {
            copy.put("deleted", true);
          }
          newest.put(id, copy);
        }
      });
    }
    if (!newest.isEmpty()) {
      context.stream().log().info("Stream '" + type.stream() + "': " + newest.size()
          + " objects changed since " + Timestamps.format(start) + " according to events.");
    }
    return newest.values().stream().map(this::finish);
  }

  @Override
  protected ApiRequest request(Page page, RequestContext context) {
    ApiRequest request = listRequest(settings, type.path(), context.window());
    List<String> extra = type.extraParameters();
    for (int i = 0; i + 1 < extra.size(); i += 2) {
      request = request.withQuery(extra.get(i), extra.get(i + 1));
    }
    return request;
  }

  static ApiRequest listRequest(StripeTap.Settings settings, String path, RequestContext.Window window) {
    ApiRequest request = ApiRequest.get(settings.apiUrl().toString(), path)
        .withQuery("limit", Integer.toString(settings.pageSize()));
    if (window != null) {
      request = request.withQuery("created[gte]", Long.toString(window.start().getEpochSecond()))
          .withQuery("created[lt]", Long.toString(window.end().getEpochSecond()));
    }
    return request;
  }

  @Override
  protected String recordsPointer() {
    return "/data";
  }

  @Override
  protected Paginator paginator() {
    return PAGINATOR;
  }

  @Override
  protected ObjectNode transform(ObjectNode record, RequestContext context) {
    JsonNode created = record.get("created");
    if (created != null && created.isIntegralNumber()) {
      record.put(UPDATED, created.longValue());
    }
    return finish(record);
  }

  private ObjectNode finish(ObjectNode record) {
    return raw ? record : converter.convert(record);
  }

  /** Reads the Events API for one object type. */
  private static final class EventsReader extends HttpStream {
    private final StripeTap.Settings settings;
    private final StripeObjectType type;

    EventsReader(ApiClient client, StripeTap.Settings settings, StripeObjectType type) {
      super(client);
      this.settings = settings;
      this.type = type;
    }

    Stream<ObjectNode> readEvents(RequestContext window) {
      return read(window);
    }

    @Override
    public StreamSpec spec() {
      return StreamSpec.of(type.stream() + " events", Json.object());
    }

    @Override
    protected ApiRequest request(Page page, RequestContext context) {
      ApiRequest request = listRequest(settings, "/v1/events", context.window());
      List<String> types = type.eventTypes();
      if (types.size() == 1) {
        return request.withQuery("type", types.get(0));
      }
      for (String name : types) {
        request = request.withQuery("types[]", name);
      }
      return request;
    }

    @Override
    protected String recordsPointer() {
      return "/data";
    }

    @Override
    protected Paginator paginator() {
      return PAGINATOR;
    }
  }
}
