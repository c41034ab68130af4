package dev.tapline.examples.stripe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapline.spec.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The sandbox answers like Stripe: list envelopes, filters, paging, errors. */
class StripeSandboxTest {

  private static JsonNode get(StripeSandbox sandbox, String path, String key) throws IOException, InterruptedException {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(sandbox.url() + path)).header("Authorization", "Bearer " + key).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode body = Json.parse(response.body());
    return response.statusCode() == 200 ? body : Json.object().put("status", response.statusCode()).set("body", body);
  }

  @Test
  void listsArePagedNewestFirstAndFilteredByCreated() throws Exception {
    try (StripeSandbox sandbox = new StripeSandbox(0, new FakeStripe().cloneExamples(5, 1_700_000_000L, 100))) {
      JsonNode first = get(sandbox, "/v1/charges?limit=2", "sk_test_any");
      assertEquals("list", first.path("object").asText());
      assertTrue(first.path("has_more").asBoolean());
      assertEquals(1_700_000_400L, first.path("data").get(0).path("created").asLong());
      String last = first.path("data").get(1).path("id").asText();
      JsonNode second = get(sandbox, "/v1/charges?limit=2&starting_after=" + last, "sk_test_any");
      assertEquals(1_700_000_200L, second.path("data").get(0).path("created").asLong());
      JsonNode window = get(sandbox, "/v1/charges?created%5Bgte%5D=1700000100&created%5Blt%5D=1700000300", "k");
      assertEquals(2, window.path("data").size());
      assertEquals("ch", first.path("data").get(0).path("id").asText().substring(0, 2));
    }
  }

  @Test
  void gzipIsServedWhenAcceptedAndPrerenderedPagesMatchRenderedOnes() throws Exception {
    FakeStripe api = new FakeStripe().cloneExamples(5, 1_700_000_000L, 100);
    try (StripeSandbox sandbox = new StripeSandbox(0, api)) {
      String url = sandbox.url() + "/v1/charges?limit=2&created%5Bgte%5D=0";
      JsonNode plain = get(sandbox, "/v1/charges?limit=2&created%5Bgte%5D=0", "k");
      api.prerender("/v1/charges", 2);
      HttpResponse<byte[]> zipped = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
          .header("Authorization", "Bearer k").header("Accept-Encoding", "gzip").build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertEquals("gzip", zipped.headers().firstValue("Content-Encoding").orElse(""));
      byte[] body = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body()))
          .readAllBytes();
      assertEquals(plain, Json.mapper().readTree(body));
      assertEquals(2, plain.path("data").size());

      api.gzip(false);
      HttpResponse<byte[]> identity = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
          .header("Authorization", "Bearer k").header("Accept-Encoding", "gzip").build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertTrue(identity.headers().firstValue("Content-Encoding").isEmpty());
      assertEquals(plain, Json.mapper().readTree(identity.body()));
    }
  }

  @Test
  void aWrongKeyGetsStripesErrorBody() throws Exception {
    try (StripeSandbox sandbox = new StripeSandbox(0, new FakeStripe().requireKey("sk_test_right"))) {
      JsonNode answer = get(sandbox, "/v1/customers", "sk_test_wrong");
      assertEquals(401, answer.path("status").asInt());
      assertEquals("invalid_request_error", answer.path("body").path("error").path("type").asText());
    }
  }
}
