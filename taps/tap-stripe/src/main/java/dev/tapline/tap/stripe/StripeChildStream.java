package dev.tapline.tap.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.tap.StreamContext;
import dev.tapline.tap.StreamSpec;
import dev.tapline.tap.http.ApiClient;
import dev.tapline.tap.http.ApiRequest;
import dev.tapline.tap.http.HttpStream;
import dev.tapline.tap.http.LazyStreams;
import dev.tapline.tap.http.Page;
import dev.tapline.tap.http.Paginator;
import dev.tapline.tap.http.RequestContext;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Items listed inside a parent object (invoice lines, subscription items). The parent list is read
 * with this stream's own bookmark (new parents and, on incremental runs, parents changed according
 * to events); the items embedded in each parent are taken as they are, and when the parent says
 * {@code has_more} the rest is paged from the items' own endpoint. Every item carries its parent's
 * id and {@code updated}.
 *
 * <p>The bookmark is one for all parents, the parent's window end (the parent list moves it, see
 * {@link StripeStream}), not one per parent: an account has as many invoices and subscriptions as
 * it has customers and months, so a state entry per parent would grow without bound, and a
 * parent's items change only with the parent, which the parent's windows and events already
 * find.
 */
final class StripeChildStream extends HttpStream {

  private final StripeTap.Settings settings;
  private final String name;
  private final String listProperty;
  private final String parentIdProperty;
  private final String pathTemplate;
  private final StripeStream parent;
  private final ObjectNode schema;
  private final StripeRecords converter;

  StripeChildStream(ApiClient client, StripeTap.Settings settings, String name,
      StripeObjectType parentType, String listProperty, String parentIdProperty, String pathTemplate) {
    super(client);
    this.settings = settings;
    this.name = name;
    this.listProperty = listProperty;
    this.parentIdProperty = parentIdProperty;
    this.pathTemplate = pathTemplate;
    this.parent = new StripeStream(client, settings, parentType, true);
    this.schema = StripeStream.loadSchema(name);
    this.converter = StripeRecords.compile(schema);
  }

  @Override
  public StreamSpec spec() {
    return StreamSpec.of(name, schema).withKeyProperties("id")
        .withReplicationKey(StripeStream.UPDATED, false);
  }

  @Override
  public JsonNode signpost(StreamContext context) {
    return parent.signpost(context);
  }

  @Override
  protected HttpStream parent() {
    return parent;
  }

  /** One bookmark for all parents (see the class comment). */
  @Override
  protected boolean statePerParent() {
    return false;
  }

  @Override
  protected Stream<ObjectNode> records(RequestContext context) {
    return LazyStreams.flatMap(
        parent.records(RequestContext.of(context.stream()))
            .filter(record -> !record.path("deleted").asBoolean(false)),
        record -> items(context.withParent(record)));
  }

  private Stream<ObjectNode> items(RequestContext context) {
    JsonNode list = context.parent().path(listProperty);
    if (list.path("has_more").asBoolean(false)) {
      return read(context);
    }
    JsonNode data = list.isArray() ? list : list.path("data");
    return StreamSupport.stream(data.spliterator(), false)
        .filter(ObjectNode.class::isInstance)
        .map(item -> transform((ObjectNode) item, context));
  }

  @Override
  protected ApiRequest request(Page page, RequestContext context) {
    String id = context.parent().path("id").asText();
    String path = pathTemplate.replace("{id}", id);
    int question = path.indexOf('?');
    ApiRequest request = ApiRequest.get(settings.apiUrl().toString(),
        question < 0 ? path : path.substring(0, question))
        .withQuery("limit", Integer.toString(settings.pageSize()));
    if (question >= 0) {
      for (String pair : path.substring(question + 1).split("&")) {
        String[] nameValue = pair.split("=", 2);
        request = request.withQuery(nameValue[0], nameValue.length > 1 ? nameValue[1] : "");
      }
    }
    return request;
  }

  @Override
  protected String recordsPointer() {
    return "/data";
  }

  @Override
  protected Paginator paginator() {
    return StripeStream.PAGINATOR;
  }

  @Override
  protected ObjectNode transform(ObjectNode item, RequestContext context) {
    ObjectNode parentRecord = context.parent();
    if (!item.hasNonNull(parentIdProperty)) {
      item.put(parentIdProperty, parentRecord.path("id").asText());
    }
    JsonNode updated = parentRecord.get(StripeStream.UPDATED);
    if (updated != null) {
      item.set(StripeStream.UPDATED, updated);
    }
    return converter.convert(item);
  }
}
