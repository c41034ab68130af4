package dev.tapline.tap.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockRuntimeInfo;
import com.github.tomakehurst.wiremock.junit5.WireMockTest;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.tapline.spec.Log;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retries, refusals, rate limit, logs and metrics of {@link ApiClient}. */
@WireMockTest
class ApiClientTest {

  private static final RetryPolicy QUICK =
      new RetryPolicy(5, Duration.ofMillis(2), Duration.ofMillis(20), Duration.ofSeconds(5));

  private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
  private WireMock wireMock;
  private String base;

  @BeforeEach
  void start(WireMockRuntimeInfo info) {
    wireMock = info.getWireMock();
    base = info.getHttpBaseUrl();
    Log.redirect(new PrintStream(logs, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    Log.redirect(System.err);
  }

  private String logText() {
    return logs.toString(StandardCharsets.UTF_8);
  }

  private ApiClient client(RetryHint hint) {
    return ApiClient.builder().retryPolicy(QUICK).retryHint(hint)
        .requestTimeout(Duration.ofMillis(500)).build();
  }

  /** Answers the first {@code failures} requests with the given responses, then 200. */
  private void failThenSucceed(String path, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder... failures) {
    String state = Scenario.STARTED;
    for (int i = 0; i < failures.length; i++) {
      String next = "after " + (i + 1);
      wireMock.register(get(urlPathEqualTo(path)).inScenario(path).whenScenarioStateIs(state)
          .willReturn(failures[i]).willSetStateTo(next));
      state = next;
    }
    wireMock.register(get(urlPathEqualTo(path)).inScenario(path).whenScenarioStateIs(state)
        .willReturn(okJson("{\"ok\":true}")));
  }

  @Test
  void aBodyThatIsNotJsonIsNamedWithTheProblemAndItsStart() {
    wireMock.register(get(urlPathEqualTo("/html")).willReturn(
        aResponse().withStatus(200).withBody("{\"data\": [1, 2,]} <html>")));
    ApiResponse response = client(RetryHint.NONE).execute(ApiRequest.get(base + "/html"), "html");
    dev.tapline.spec.TaplineException problem =
        assertThrows(dev.tapline.spec.TaplineException.class, response::json);
    assertTrue(problem.getMessage().contains("/html is not JSON (Expected a JSON value (found ']')"
        + " at byte 15); it starts with: {\"data\": [1, 2,]} <html>"), problem.getMessage());
  }

  @Test
  void aBlankBodyIsNoJsonValue() {
    wireMock.register(get(urlPathEqualTo("/blank")).willReturn(aResponse().withStatus(200).withBody(" \r\n")));
    assertTrue(client(RetryHint.NONE).execute(ApiRequest.get(base + "/blank"), "blank").json().isMissingNode());
  }

  @Test
  void redirectsAreFollowed() {
    wireMock.register(get(urlPathEqualTo("/old")).willReturn(
        aResponse().withStatus(301).withHeader("Location", base + "/new")));
    wireMock.register(get(urlPathEqualTo("/new")).willReturn(okJson("{\"moved\":true}")));
    ApiResponse response = client(RetryHint.NONE).execute(ApiRequest.get(base + "/old"), "old");
    assertEquals(200, response.status());
    assertTrue(response.json().path("moved").asBoolean());
  }

  @Test
  void tooManyRequestsServerErrorsTimeoutsAndDropsAreRetried() {
    failThenSucceed("/flaky",
        aResponse().withStatus(429),
        aResponse().withStatus(502),
        okJson("{}").withFixedDelay(1500),
        aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
    ApiResponse response = client(RetryHint.NONE).execute(ApiRequest.get(base + "/flaky"), "flaky");
    assertEquals(200, response.status());
    assertTrue(response.json().path("ok").asBoolean());
    wireMock.verifyThat(5, getRequestedFor(urlPathEqualTo("/flaky")));
    assertTrue(logText().contains("-> 429; retrying"), logText());
    assertTrue(logText().contains("no answer in time"), logText());
    assertTrue(logText().contains("\"metric\":\"http_request_duration\""), logText());
    assertTrue(logText().contains("\"endpoint\":\"flaky\""), logText());
  }

  @Test
  void retryAfterIsHonoured() {
    failThenSucceed("/slow-down", aResponse().withStatus(429).withHeader("Retry-After", "1"));
    long started = System.nanoTime();
    client(RetryHint.NONE).execute(ApiRequest.get(base + "/slow-down"), null);
    long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
    assertTrue(elapsedMillis >= 950, "waited only " + elapsedMillis + " ms");
  }

  @Test
  void anApiHintCanForbidOrAllowARetry() {
    failThenSucceed("/no-retry", aResponse().withStatus(503).withHeader("Stripe-Should-Retry", "false"));
    HttpFailure failure = assertThrows(HttpFailure.class,
        () -> client(RetryHint.STRIPE).execute(ApiRequest.get(base + "/no-retry"), null));
    assertEquals(503, failure.status());
    wireMock.verifyThat(1, getRequestedFor(urlPathEqualTo("/no-retry")));

    failThenSucceed("/conflict", aResponse().withStatus(409).withHeader("Stripe-Should-Retry", "true"));
    assertEquals(200, client(RetryHint.STRIPE).execute(ApiRequest.get(base + "/conflict"), null).status());
  }

  @Test
  void unauthorizedIsNeverRetriedAndSaysToCheckTheCredentials() {
    wireMock.register(get(urlPathEqualTo("/secret")).willReturn(aResponse().withStatus(401)
        .withHeader("Stripe-Should-Retry", "true")
        .withBody("{\"error\":{\"message\":\"Invalid API Key provided\"}}")));
    HttpFailure failure = assertThrows(HttpFailure.class,
        () -> client(RetryHint.STRIPE).execute(ApiRequest.get(base + "/secret"), null));
    wireMock.verifyThat(1, getRequestedFor(urlPathEqualTo("/secret")));
    assertTrue(failure.getMessage().contains("401: Invalid API Key provided"), failure.getMessage());
    assertTrue(failure.getMessage().contains("Check the credentials"), failure.getMessage());
  }

  @Test
  void forbiddenAndNotFoundSayWhatToCheck() {
    wireMock.register(get(urlPathEqualTo("/forbidden")).willReturn(aResponse().withStatus(403)));
    wireMock.register(get(urlPathEqualTo("/missing")).willReturn(aResponse().withStatus(404)));
    String forbidden = assertThrows(HttpFailure.class,
        () -> client(RetryHint.NONE).execute(ApiRequest.get(base + "/forbidden"), null)).getMessage();
    String missing = assertThrows(HttpFailure.class,
        () -> client(RetryHint.NONE).execute(ApiRequest.get(base + "/missing"), null)).getMessage();
    assertTrue(forbidden.contains("permissions"), forbidden);
    assertTrue(missing.contains("Check the API URL and the path"), missing);
  }

  @Test
  void givingUpNamesTheAttemptsAndTheLastAnswer() {
    wireMock.register(get(urlPathEqualTo("/down")).willReturn(aResponse().withStatus(500)
        .withBody("{\"message\":\"maintenance\"}")));
    HttpFailure failure = assertThrows(HttpFailure.class,
        () -> client(RetryHint.NONE).execute(ApiRequest.get(base + "/down"), null));
    wireMock.verifyThat(5, getRequestedFor(urlPathEqualTo("/down")));
    assertTrue(failure.getMessage().contains("failed 5 times; the last answer was 500: maintenance"),
        failure.getMessage());
  }

  @Test
  void theRateLimitSpacesRequests() {
    wireMock.register(get(urlPathEqualTo("/limited")).willReturn(okJson("{}")));
    ApiClient client = ApiClient.builder().requestsPerSecond(20).metrics(false).build();
    long started = System.nanoTime();
    for (int i = 0; i < 6; i++) {
      client.execute(ApiRequest.get(base + "/limited"), null);
    }
    long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
    assertTrue(elapsedMillis >= 240, "6 requests at 20/s took only " + elapsedMillis + " ms");
  }

  @Test
  void credentialsInQueryParametersAreMaskedInLogs() {
    ApiRequest request = ApiRequest.get(base + "/items?page=2&access_token=abc123")
        .withQuery("api_key", "k-987").withQuery("since", "2024-01-01");
    String shown = ApiClient.redactedUrl(request);
    assertFalse(shown.contains("abc123") || shown.contains("k-987"), shown);
    assertTrue(shown.contains("page=2") && shown.contains("since=2024-01-01"), shown);
  }

  @Test
  void defaultHeadersAreSentAndTheRequestsOwnWin() {
    wireMock.register(get(urlPathEqualTo("/headers")).withHeader("Stripe-Version", equalTo("2024-06-20"))
        .withHeader("X-Mine", equalTo("request")).willReturn(okJson("{}")));
    ApiClient client = ApiClient.builder().header("Stripe-Version", "2024-06-20")
        .header("X-Mine", "client").metrics(false).build();
    assertEquals(200, client.execute(ApiRequest.get(base + "/headers").withHeader("X-Mine", "request"), null).status());
  }
}
