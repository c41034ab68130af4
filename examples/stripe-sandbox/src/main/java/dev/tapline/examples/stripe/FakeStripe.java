package dev.tapline.examples.stripe;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.tapline.spec.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Stripe-like API in memory, served through WireMock: the list endpoints tap-stripe reads, with
 * Stripe's list envelope, {@code limit}, {@code starting_after}, {@code created[gte|gt|lt|lte]},
 * events filtered by {@code type} (with a {@code .*} wildcard) or {@code types[]}, invoice lines
 * and subscription items. Objects are clones of Stripe's own examples (stripe/openapi fixtures)
 * with new ids and {@code created} values; the clones are Tapline's, not Stripe's.
 *
 * <p>Tests can change objects (which records an event, as Stripe does), queue faults for the next
 * requests (a status with headers, a delay, a dropped connection) and read the requests received.
 * Thread-safe.
 */
public final class FakeStripe implements ResponseDefinitionTransformerV2 {

  /** The lists served: path, object type of the fixture it is cloned from, id prefix. */
  public static final Map<String, String> LISTS = listsByPath();

  private static Map<String, String> listsByPath() {
    Map<String, String> lists = new LinkedHashMap<>();
    lists.put("/v1/charges", "charge");
    lists.put("/v1/customers", "customer");
    lists.put("/v1/invoices", "invoice");
    lists.put("/v1/subscriptions", "subscription");
    lists.put("/v1/payment_intents", "payment_intent");
    lists.put("/v1/refunds", "refund");
    lists.put("/v1/balance_transactions", "balance_transaction");
    lists.put("/v1/events", "event");
    lists.put("/v1/products", "product");
    lists.put("/v1/prices", "price");
    lists.put("/v1/payouts", "payout");
    lists.put("/v1/disputes", "dispute");
    lists.put("/v1/coupons", "coupon");
    lists.put("/v1/transfers", "transfer");
    return lists;
  }

  private static final Comparator<ObjectNode> NEWEST_FIRST = Comparator
      .comparingLong((ObjectNode o) -> o.path("created").asLong()).reversed()
      .thenComparing(o -> o.path("id").asText(), Comparator.reverseOrder());

  private final Map<String, List<ObjectNode>> lists = new ConcurrentHashMap<>();
  private final Deque<ResponseDefinition> faults = new ArrayDeque<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final Map<String, RenderedPage> cache = new ConcurrentHashMap<>();
  private final Map<String, Sorted> sorted = new ConcurrentHashMap<>();
  private final Map<String, java.util.Set<String>> headers = new ConcurrentHashMap<>();
  private volatile String apiKey;
  private volatile boolean recordRequests = true;
  private volatile boolean gzip = true;
  private long sequence;

  /** An empty API; add objects with {@link #add} or {@link #cloneExamples}. */
  public FakeStripe() {
    for (String path : LISTS.keySet()) {
      lists.put(path, new ArrayList<>());
    }
  }

  @Override
  public String getName() {
    return "fake-stripe";
  }

  @Override
  public boolean applyGlobally() {
    return true;
  }

  /** Requires {@code Authorization: Bearer <key>} (or basic with the key as user); null: any key. */
  public FakeStripe requireKey(String key) {
    this.apiKey = key;
    return this;
  }

  /** Whether to keep the URL of every request for {@link #requests()} (off for benchmarks). */
  public FakeStripe recordRequests(boolean value) {
    this.recordRequests = value;
    return this;
  }

  /**
   * Whether to answer {@code Accept-Encoding: gzip} with a compressed body, as Stripe does (on by
   * default). Each page is compressed once and kept, so the sandbox does not spend a core on gzip
   * while a benchmark measures the client.
   */
  public FakeStripe gzip(boolean value) {
    this.gzip = value;
    return this;
  }

  /**
   * Renders (and compresses) every page of {@code limit} objects of an unfiltered list now, so the
   * requests of a benchmark are answered from prepared bytes from the first one on. A request whose
   * {@code created} filters cover the whole list gets the same pages.
   */
  public synchronized void prerender(String path, int limit) {
    Sorted list = sorted.computeIfAbsent(path, p -> Sorted.of(lists.get(p)));
    int size = list.objects.length;
    for (int start = 0; start < size; start += limit) {
      int end = Math.min(size, start + limit);
      list.page(start, end, end < size, path).gzipped();
    }
  }

  /** Stripe's example object of a type ({@code charge}, {@code invoice}, ...), as a fresh copy. */
  public static ObjectNode example(String objectType) {
    return EXAMPLES.computeIfAbsent(objectType, FakeStripe::readExample).deepCopy();
  }

  private static final Map<String, ObjectNode> EXAMPLES = new ConcurrentHashMap<>();

  private static ObjectNode readExample(String objectType) {
    String resource = "objects/" + objectType + ".json";
    try (InputStream in = FakeStripe.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("No example object " + objectType);
      }
      return (ObjectNode) Json.mapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Adds {@code count} clones of Stripe's example to every list (events included), created {@code
   * stepSeconds} apart from {@code firstCreated} on, each with a new id; invoices and subscriptions
   * get two embedded items of their own.
   */
  public synchronized FakeStripe cloneExamples(int count, long firstCreated, long stepSeconds) {
    for (Map.Entry<String, String> list : LISTS.entrySet()) {
      for (int i = 0; i < count; i++) {
        add(list.getKey(), cloneOf(list.getValue(), firstCreated + i * stepSeconds));
      }
    }
    return this;
  }

  /** A clone of the example of {@code objectType} with a new id and {@code created}; not added. */
  public synchronized ObjectNode cloneOf(String objectType, long created) {
    ObjectNode object = example(objectType);
    String id = newId(object.path("id").asText());
    object.put("id", id);
    object.put("created", created);
    if (objectType.equals("invoice")) {
      embedItems(object, "lines", "line_item", "invoice", id, "/v1/invoices/" + id + "/lines", 2);
    } else if (objectType.equals("subscription")) {
      embedItems(object, "items", "subscription_item", "subscription", id,
          "/v1/subscription_items?subscription=" + id, 2);
    }
    return object;
  }

  /** Gives an invoice or subscription {@code count} embedded items of its own. */
  public synchronized void embedItems(ObjectNode parent, String property, String itemType,
      String parentProperty, String parentId, String url, int count) {
    ObjectNode list = parent.putObject(property);
    list.put("object", "list");
    ArrayNode data = list.putArray("data");
    for (int i = 0; i < count; i++) {
      ObjectNode item = example(itemType);
      item.put("id", newId(item.path("id").asText()));
      item.put(parentProperty, parentId);
      data.add(item);
    }
    list.put("has_more", false);
    list.put("url", url);
  }

  private String newId(String exampleId) {
    int underscore = exampleId.indexOf('_');
    String prefix = underscore < 0 ? "obj" : exampleId.substring(0, underscore);
    return prefix + "_tapline" + String.format("%08d", ++sequence);
  }

  /** Adds an object to a list ({@code /v1/charges}, ...). */
  public synchronized void add(String path, ObjectNode object) {
    lists.get(path).add(object);
    changed();
  }

  /** The objects of a list, newest first (copies). */
  public synchronized List<ObjectNode> objects(String path) {
    List<ObjectNode> copy = new ArrayList<>();
    for (ObjectNode object : sorted(lists.get(path))) {
      copy.add(object.deepCopy());
    }
    return copy;
  }

  /**
   * Changes an object as Stripe would after an API call at {@code at} (epoch seconds): the fields
   * are set, and an event {@code <object>.updated} (or {@code eventType}) carrying the new version
   * is recorded.
   */
  public synchronized ObjectNode update(String path, String id, ObjectNode changes, long at,
      String eventType) {
    ObjectNode object = find(path, id);
    object.setAll(changes.deepCopy());
    changed();
    recordEvent(eventType == null ? object.path("object").asText() + ".updated" : eventType, object, at);
    return object.deepCopy();
  }

  /** Deletes an object at {@code at}, recording {@code <object>.deleted} (or {@code eventType}). */
  public synchronized void delete(String path, String id, long at, String eventType) {
    ObjectNode object = find(path, id);
    lists.get(path).remove(object);
    changed();
    recordEvent(eventType == null ? object.path("object").asText() + ".deleted" : eventType, object, at);
  }

  private void changed() {
    cache.clear();
    sorted.clear();
  }

  private void recordEvent(String type, ObjectNode object, long at) {
    ObjectNode event = example("event");
    event.put("id", newId("evt"));
    event.put("created", at);
    event.put("type", type);
    event.putObject("data").set("object", object.deepCopy());
    add("/v1/events", event);
  }

  private ObjectNode find(String path, String id) {
    for (ObjectNode object : lists.get(path)) {
      if (object.path("id").asText().equals(id)) {
        return object;
      }
    }
    throw new IllegalArgumentException("No object " + id + " in " + path);
  }

  /** Answers the next request with this status, headers and a Stripe error body. */
  public synchronized FakeStripe failNext(int status, String... headerNamesAndValues) {
    ResponseDefinitionBuilder response = ResponseDefinitionBuilder.responseDefinition()
        .withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withBody(errorBody(status));
    for (int i = 0; i + 1 < headerNamesAndValues.length; i += 2) {
      response.withHeader(headerNamesAndValues[i], headerNamesAndValues[i + 1]);
    }
    faults.add(response.build());
    return this;
  }

  /** Answers the next request normally but only after {@code millis}. */
  public synchronized FakeStripe delayNext(int millis) {
    faults.add(ResponseDefinitionBuilder.responseDefinition().withFixedDelay(millis).build());
    return this;
  }

  /** Drops the connection of the next request. */
  public synchronized FakeStripe dropNext() {
    faults.add(ResponseDefinitionBuilder.responseDefinition()
        .withFault(Fault.CONNECTION_RESET_BY_PEER).build());
    return this;
  }

  /** The path and query of every request received so far, in order. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** The values seen of {@code Stripe-Version} or {@code Stripe-Account}. */
  public java.util.Set<String> headerValues(String name) {
    return java.util.Set.copyOf(headers.getOrDefault(name, java.util.Set.of()));
  }

  public void clearRequests() {
    requests.clear();
  }

  @Override
  public ResponseDefinition transform(ServeEvent serveEvent) {
    Request request = serveEvent.getRequest();
    if (recordRequests) {
      requests.add(request.getUrl());
      for (String name : List.of("Stripe-Version", "Stripe-Account")) {
        String value = request.getHeader(name);
        if (value != null) {
          headers.computeIfAbsent(name, n -> ConcurrentHashMap.newKeySet()).add(value);
        }
      }
    }
    ResponseDefinition fault;
    synchronized (this) {
      fault = faults.poll();
    }
    if (fault != null && fault.getFixedDelayMilliseconds() == null) {
      return fault;
    }
    ResponseDefinition answer = answer(request);
    if (fault != null) {
      return ResponseDefinitionBuilder.like(answer)
          .withFixedDelay(fault.getFixedDelayMilliseconds()).build();
    }
    return answer;
  }

  private ResponseDefinition answer(Request request) {
    if (!authorized(request.getHeader("Authorization"))) {
      return json(401, errorBody(401));
    }
    String url = request.getUrl();
    RenderedPage cached = cache.get(url);
    if (cached != null) {
      return page(cached, request);
    }
    String path = URI.create(url).getPath();
    RenderedPage body;
    synchronized (this) {
      if (path.startsWith("/v1/invoices/") && path.endsWith("/lines")) {
        String invoice = path.substring("/v1/invoices/".length(), path.length() - "/lines".length());
        body = page(Sorted.of(embedded(find("/v1/invoices", invoice), "lines")), request, path);
      } else if (path.equals("/v1/subscription_items")) {
        String subscription = first(request, "subscription");
        body = page(Sorted.of(subscription == null ? List.of()
            : embedded(find("/v1/subscriptions", subscription), "items")), request, path);
      } else if (path.equals("/v1/events")) {
        body = page(Sorted.of(filter(lists.get(path), request, true)), request, path);
      } else if (lists.containsKey(path)) {
        body = page(sorted.computeIfAbsent(path, p -> Sorted.of(lists.get(p))), request, path);
      } else {
        return json(404, "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Unrecognized"
            + " request URL (GET: " + path + ").\"}}");
      }
    }
    cache.put(url, body);
    return page(body, request);
  }

  private ResponseDefinition page(RenderedPage page, Request request) {
    String accepted = request.getHeader("Accept-Encoding");
    if (gzip && accepted != null && accepted.toLowerCase(java.util.Locale.ROOT).contains("gzip")) {
      return ResponseDefinitionBuilder.responseDefinition().withStatus(200)
          .withHeader("Content-Type", "application/json")
          .withHeader("Content-Encoding", "gzip")
          .withHeader("Request-Id", "req_tapline")
          .withBody(page.gzipped()).build();
    }
    return json(200, page.body);
  }

  /** A page's JSON, and the same compressed once when first asked for. */
  private static final class RenderedPage {
    final byte[] body;
    private volatile byte[] gzipped;

    RenderedPage(byte[] body) {
      this.body = body;
    }

    byte[] gzipped() {
      byte[] compressed = gzipped;
      if (compressed == null) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(body.length / 4);
        try (java.util.zip.GZIPOutputStream zip = new java.util.zip.GZIPOutputStream(out)) {
          zip.write(body);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        compressed = out.toByteArray();
        gzipped = compressed;
      }
      return compressed;
    }
  }

  /**
   * A list newest first with each object's JSON prepared once, so that a page is a binary search
   * and a copy of bytes (the sandbox also serves benchmarks).
   */
  private static final class Sorted {
    final ObjectNode[] objects;
    final long[] created;
    final byte[][] bytes;
    final Map<String, Integer> positions = new java.util.HashMap<>();
    final Map<String, RenderedPage> pages = new ConcurrentHashMap<>();

    private Sorted(List<ObjectNode> list) {
      List<ObjectNode> copy = new ArrayList<>(list);
      copy.sort(NEWEST_FIRST);
      objects = copy.toArray(ObjectNode[]::new);
      created = new long[objects.length];
      bytes = new byte[objects.length][];
      for (int i = 0; i < objects.length; i++) {
        created[i] = objects[i].path("created").asLong();
        positions.put(objects[i].path("id").asText(), i);
      }
    }

    static Sorted of(List<ObjectNode> list) {
      return new Sorted(list);
    }

    /** The page of objects {@code start} (inclusive) to {@code end}, rendered once. */
    RenderedPage page(int start, int end, boolean more, String path) {
      return pages.computeIfAbsent(start + ":" + end + ":" + more + ":" + path,
          key -> new RenderedPage(render(start, end, more, path)));
    }

    private byte[] render(int start, int end, boolean more, String path) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(64 + (end - start) * 4096);
      out.writeBytes("{\"object\":\"list\",\"data\":[".getBytes(StandardCharsets.UTF_8));
      for (int i = start; i < end; i++) {
        if (i > start) {
          out.write(',');
        }
        out.writeBytes(bytes(i));
      }
      out.writeBytes(("],\"has_more\":" + more + ",\"url\":" + Json.write(Json.NODES.textNode(path)) + "}")
          .getBytes(StandardCharsets.UTF_8));
      return out.toByteArray();
    }

    byte[] bytes(int index) {
      if (bytes[index] == null) {
        bytes[index] = Json.write(objects[index]).getBytes(StandardCharsets.UTF_8);
      }
      return bytes[index];
    }

    /** The first index whose created is below {@code bound} (the list descends). */
    int firstBelow(long bound) {
      int low = 0;
      int high = created.length;
      while (low < high) {
        int middle = (low + high) >>> 1;
        if (created[middle] >= bound) {
          low = middle + 1;
        } else {
          high = middle;
        }
      }
      return low;
    }
  }

  private boolean authorized(String header) {
    String key = apiKey;
    if (key == null) {
      return header != null && !header.isBlank();
    }
    if (header == null) {
      return false;
    }
    if (header.equals("Bearer " + key)) {
      return true;
    }
    String basic = java.util.Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
    return header.equals("Basic " + basic);
  }

  private static List<ObjectNode> embedded(ObjectNode parent, String property) {
    List<ObjectNode> items = new ArrayList<>();
    parent.path(property).path("data").forEach(item -> items.add((ObjectNode) item));
    return items;
  }

  private static List<ObjectNode> filter(List<ObjectNode> objects, Request request, boolean events) {
    Long gte = number(request, "created[gte]");
    Long gt = number(request, "created[gt]");
    Long lt = number(request, "created[lt]");
    Long lte = number(request, "created[lte]");
    String type = first(request, "type");
    QueryParameter typesParameter = request.queryParameter("types[]");
    List<String> types = typesParameter.isPresent() ? typesParameter.values() : List.of();
    List<ObjectNode> kept = new ArrayList<>();
    for (ObjectNode object : objects) {
      long created = object.path("created").asLong();
      if ((gte != null && created < gte) || (gt != null && created <= gt)
          || (lt != null && created >= lt) || (lte != null && created > lte)) {
        continue;
      }
      if (events) {
        String eventType = object.path("type").asText();
        if (type != null && !(type.endsWith(".*")
            ? eventType.startsWith(type.substring(0, type.length() - 1))
            : eventType.equals(type))) {
          continue;
        }
        if (!types.isEmpty() && !types.contains(eventType)) {
          continue;
        }
      }
      kept.add(object);
    }
    return kept;
  }

  private static RenderedPage page(Sorted list, Request request, String path) {
    Long gte = number(request, "created[gte]");
    Long gt = number(request, "created[gt]");
    Long lt = number(request, "created[lt]");
    Long lte = number(request, "created[lte]");
    int from = 0;
    int to = list.objects.length;
    if (lt != null) {
      from = Math.max(from, list.firstBelow(lt));
    }
    if (lte != null) {
      from = Math.max(from, list.firstBelow(lte + 1));
    }
    if (gte != null) {
      to = Math.min(to, list.firstBelow(gte));
    }
    if (gt != null) {
      to = Math.min(to, list.firstBelow(gt + 1));
    }
    Long limitValue = number(request, "limit");
    int limit = limitValue == null ? 10 : (int) Math.max(1, Math.min(100, limitValue));
    String after = first(request, "starting_after");
    int start = from;
    if (after != null) {
      Integer position = list.positions.get(after);
      start = position == null ? to : Math.max(from, position + 1);
    }
    int end = Math.max(start, Math.min(to, start + limit));
    return list.page(start, end, end < to, path);
  }

  private static List<ObjectNode> sorted(List<ObjectNode> objects) {
    List<ObjectNode> copy = new ArrayList<>(objects);
    copy.sort(NEWEST_FIRST);
    return copy;
  }

  private static String first(Request request, String name) {
    QueryParameter parameter = request.queryParameter(name);
    return parameter.isPresent() ? parameter.firstValue() : null;
  }

  private static Long number(Request request, String name) {
    String value = first(request, name);
    return value == null ? null : Long.parseLong(value);
  }

  private static String errorBody(int status) {
    ObjectNode body = Json.object();
    ObjectNode error = body.putObject("error");
    if (status == 401) {
      error.put("type", "invalid_request_error");
      error.put("message", "Invalid API Key provided: sk_test_********");
    } else if (status == 429) {
      error.put("type", "invalid_request_error");
      error.put("code", "rate_limit");
      error.put("message", "Too many requests hit the API too quickly.");
    } else {
      error.put("type", "api_error");
      error.put("message", "Something went wrong on Stripe's end.");
    }
    return Json.write(body);
  }

  private static ResponseDefinition json(int status, String body) {
    return json(status, body.getBytes(StandardCharsets.UTF_8));
  }

  private static ResponseDefinition json(int status, byte[] body) {
    return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withHeader("Request-Id", "req_tapline")
        .withBody(body).build();
  }
}
