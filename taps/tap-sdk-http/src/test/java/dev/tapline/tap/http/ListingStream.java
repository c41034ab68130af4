package dev.tapline.tap.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.tap.StreamSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/** A configurable HTTP stream for the SDK's own tests, read outside a sync. */
final class ListingStream extends HttpStream {

  private final BiFunction<Page, RequestContext, ApiRequest> requests;
  private final String pointer;
  private final Paginator paginator;
  private final HttpStream parent;

  ListingStream(ApiClient client, BiFunction<Page, RequestContext, ApiRequest> requests,
      String pointer, Paginator paginator, HttpStream parent) {
    super(client);
    this.requests = requests;
    this.pointer = pointer;
    this.paginator = paginator;
    this.parent = parent;
  }

  ListingStream(ApiClient client, String url, String pointer, Paginator paginator) {
    this(client, (page, context) -> ApiRequest.get(url), pointer, paginator, null);
  }

  @Override
  public StreamSpec spec() {
    return StreamSpec.of("listing", Json.object());
  }

  @Override
  protected ApiRequest request(Page page, RequestContext context) {
    return requests.apply(page, context);
  }

  @Override
  protected String recordsPointer() {
    return pointer;
  }

  @Override
  protected Paginator paginator() {
    return paginator;
  }

  @Override
  protected HttpStream parent() {
    return parent;
  }

  /** Every record, read without a sync. */
  List<ObjectNode> readAll() {
    List<ObjectNode> records = new ArrayList<>();
    records(new RequestContext(null, null, null)).forEach(records::add);
    return records;
  }

  /** The values of one property of the records. */
  static List<String> values(List<ObjectNode> records, String property) {
    List<String> values = new ArrayList<>();
    records.forEach(record -> values.add(record.path(property).asText()));
    return values;
  }
}
