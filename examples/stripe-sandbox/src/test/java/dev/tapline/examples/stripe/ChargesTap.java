package dev.tapline.examples.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.Timestamps;
import dev.tapline.spec.config.Setting;
import dev.tapline.tap.StreamSpec;
import dev.tapline.tap.Tap;
import dev.tapline.tap.TapStream;
import dev.tapline.tap.http.ApiClient;
import dev.tapline.tap.http.ApiRequest;
import dev.tapline.tap.http.BasicAuthenticator;
import dev.tapline.tap.http.HttpStream;
import dev.tapline.tap.http.Page;
import dev.tapline.tap.http.Paginator;
import dev.tapline.tap.http.RequestContext;
import dev.tapline.tap.http.StartingAfterPaginator;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An example of a custom tap on the HTTP SDK: Stripe charges in about forty lines of stream code.
 * The author says how to build the request, where the records are and how pages follow; the SDK
 * does the rest.
 */
public final class ChargesTap extends Tap<ChargesTap.Settings> {

  public record Settings(
      @Setting(description = "Base URL of the Stripe-like API") URI apiUrl,
      @Setting(description = "Secret API key", secret = true) String apiKey,
      @Setting(description = "Earliest charge to read", required = false) Optional<Instant> startDate) {}

  @Override
  protected List<TapStream> streams(Settings settings) {
    ApiClient client = ApiClient.builder()
        .authenticator(new BasicAuthenticator(settings.apiKey(), ""))
        .build();
    return List.of(new Charges(client, settings.apiUrl()));
  }

  static final class Charges extends HttpStream {
    private static final ObjectNode SCHEMA = (ObjectNode) Json.parse("""
        {"type": "object", "properties": {
          "id": {"type": "string"},
          "amount": {"type": "integer"},
          "currency": {"type": "string"},
          "created": {"type": "string", "format": "date-time"},
          "paid": {"type": ["null", "boolean"]},
          "description": {"type": ["null", "string"]}}}""");
    private final URI apiUrl;

    Charges(ApiClient client, URI apiUrl) {
      super(client);
      this.apiUrl = apiUrl;
    }

    @Override
    public StreamSpec spec() {
      return StreamSpec.of("charges", SCHEMA).withKeyProperties("id").withReplicationKey("created", false);
    }

    @Override
    protected ApiRequest request(Page page, RequestContext context) {
      ApiRequest request = ApiRequest.get(apiUrl.toString(), "/v1/charges").withQuery("limit", "2");
      return context.startingInstant()
          .map(start -> request.withQuery("created[gte]", Long.toString(start.getEpochSecond())))
          .orElse(request);
    }

    @Override
    protected String recordsPointer() {
      return "/data";
    }

    @Override
    protected Paginator paginator() {
      return new StartingAfterPaginator();
    }

    @Override
    protected ObjectNode transform(ObjectNode charge, RequestContext context) {
      ObjectNode record = Json.object();
      for (String property : List.of("id", "amount", "currency", "paid", "description")) {
        record.set(property, charge.get(property));
      }
      JsonNode created = charge.get("created");
      record.put("created", Timestamps.format(Instant.ofEpochSecond(created.longValue())));
      return record;
    }
  }
}
