package dev.tapline.tap.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import dev.tapline.tap.StreamSpec;
import dev.tapline.tap.http.ApiClient;
import dev.tapline.tap.http.ApiRequest;
import dev.tapline.tap.http.CursorPaginator;
import dev.tapline.tap.http.HttpStream;
import dev.tapline.tap.http.LinkHeaderPaginator;
import dev.tapline.tap.http.NextUrlPaginator;
import dev.tapline.tap.http.OffsetPaginator;
import dev.tapline.tap.http.Page;
import dev.tapline.tap.http.PageNumberPaginator;
import dev.tapline.tap.http.Paginator;
import dev.tapline.tap.http.RequestContext;
import dev.tapline.tap.http.SchemaInference;
import dev.tapline.tap.http.StartingAfterPaginator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** A stream declared in tap-rest's config. */
final class RestStream extends HttpStream {

  private final RestTap.Settings settings;
  private final RestTap.StreamSettings stream;
  private final Paginator paginator;
  private StreamSpec spec;

  RestStream(ApiClient client, RestTap.Settings settings, RestTap.StreamSettings stream) {
    super(client);
    this.settings = settings;
    this.stream = stream;
    this.paginator = paginator(stream);
    if (stream.replicationParam().isPresent() && stream.replicationKey().isEmpty()) {
      throw new ConfigurationException("Stream '" + stream.name() + "' has a replication_param"
          + " but no replication_key; name the property the bookmark is kept on.");
    }
  }

  private static Paginator paginator(RestTap.StreamSettings stream) {
    if (stream.paginator().isEmpty()) {
      return Paginator.SINGLE_PAGE;
    }
    RestTap.PaginatorSettings options = stream.paginator().get();
    return switch (options.type()) {
      case NONE -> Paginator.SINGLE_PAGE;
      case NEXT_URL -> new NextUrlPaginator(options.nextUrlPath());
      case CURSOR -> new CursorPaginator(options.cursorPath(), options.cursorParam());
      case OFFSET -> new OffsetPaginator(options.offsetParam(), options.limitParam(), options.pageSize());
      case PAGE_NUMBER -> new PageNumberPaginator(options.pageParam(), options.firstPage(),
          options.sizeParam().orElse(null), options.pageSize());
      case LINK_HEADER -> new LinkHeaderPaginator();
      case STARTING_AFTER -> new StartingAfterPaginator(options.startingAfterParam(),
          options.idProperty(), options.hasMorePath());
    };
  }

  @Override
  public synchronized StreamSpec spec() {
    if (spec == null) {
      ObjectNode schema = stream.schema().orElseGet(this::inferSchema);
      if (!schema.has("type")) {
        schema.put("type", "object");
      }
      StreamSpec built = StreamSpec.of(stream.name(), schema)
          .withKeyProperties(stream.primaryKeys() == null ? List.of() : stream.primaryKeys());
      if (stream.replicationKey().isPresent()) {
        String key = stream.replicationKey().get();
        if (!built.properties().has(key)) {
          throw new ConfigurationException("Stream '" + stream.name() + "': the replication_key '"
              + key + "' is not a property of its schema; properties: "
              + Json.write(Json.NODES.textNode(String.join(", ", names(built.properties())))));
        }
        built = built.withReplicationKey(key, stream.sorted());
      }
      spec = built;
    }
    return spec;
  }

  private static List<String> names(ObjectNode properties) {
    List<String> names = new java.util.ArrayList<>();
    properties.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** A schema from the first records the API returns (without bookmark filter). */
  private ObjectNode inferSchema() {
    SchemaInference inference = new SchemaInference();
    int sampled = 0;
    Iterator<ObjectNode> records = sample().iterator();
    while (sampled < settings.inferenceRecords() && records.hasNext()) {
      inference.add(records.next());
      sampled++;
    }
    if (sampled == 0) {
      throw new ConfigurationException("Stream '" + stream.name() + "' declares no schema and "
          + stream.path() + " returned no record to infer one from; add a 'schema' to the stream.");
    }
    ObjectNode schema = inference.schema();
    for (String key : stream.primaryKeys() == null ? List.<String>of() : stream.primaryKeys()) {
      JsonNode property = schema.path("properties").get(key);
      if (property instanceof ObjectNode object && object.get("type").isArray() && object.get("type").size() == 2) {
        object.put("type", object.get("type").get(1).asText());
      }
    }
    return schema;
  }

  private java.util.stream.Stream<ObjectNode> sample() {
    return read(new RequestContext(null, null, null));
  }

  @Override
  protected ApiRequest request(Page page, RequestContext context) {
    ApiRequest request = ApiRequest.get(settings.apiUrl().toString(), stream.path());
    if (stream.params() != null) {
      for (Map.Entry<String, String> parameter : stream.params().entrySet()) {
        request = request.withQuery(parameter.getKey(), parameter.getValue());
      }
    }
    if (context.stream() != null && stream.replicationParam().isPresent()) {
      JsonNode starting = context.stream().startingValue().orElse(null);
      if (starting != null) {
        request = request.withQueryReplaced(stream.replicationParam().get(), starting.asText());
      }
    }
    return request;
  }

  @Override
  protected String name() {
    return stream.name();
  }

  @Override
  protected String recordsPointer() {
    return stream.recordsPath();
  }

  @Override
  protected Paginator paginator() {
    return paginator;
  }
}
