package dev.tapline.tap.http;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockRuntimeInfo;
import com.github.tomakehurst.wiremock.junit5.WireMockTest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each ready authenticator, checked by what the server receives. */
@WireMockTest
class AuthenticatorsTest {

  private WireMock wireMock;
  private String base;

  @BeforeEach
  void start(WireMockRuntimeInfo info) {
    wireMock = info.getWireMock();
    base = info.getHttpBaseUrl();
  }

  private int status(Authenticator authenticator, String path) {
    ApiClient client = ApiClient.builder().authenticator(authenticator).metrics(false)
        .retryPolicy(new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO)).build();
    try {
      return client.execute(ApiRequest.get(base + path), null).status();
    } catch (HttpFailure failure) {
      return failure.status();
    }
  }

  @Test
  void bearerBasicAndApiKeys() {
    wireMock.register(get(urlPathEqualTo("/bearer")).withHeader("Authorization", equalTo("Bearer t0k3n")).willReturn(okJson("{}")));
    wireMock.register(get(urlPathEqualTo("/basic")).withHeader("Authorization", equalTo("Basic dXNlcjpwYXNz")).willReturn(okJson("{}")));
    wireMock.register(get(urlPathEqualTo("/header")).withHeader("X-Api-Key", equalTo("k1")).willReturn(okJson("{}")));
    wireMock.register(get(urlPathEqualTo("/query")).withQueryParam("key", equalTo("k2")).willReturn(okJson("{}")));
    assertEquals(200, status(new BearerTokenAuthenticator("t0k3n"), "/bearer"));
    assertEquals(200, status(new BasicAuthenticator("user", "pass"), "/basic"));
    assertEquals(200, status(new ApiKeyAuthenticator("X-Api-Key", "k1", ApiKeyAuthenticator.Location.HEADER), "/header"));
    assertEquals(200, status(new ApiKeyAuthenticator("key", "k2", ApiKeyAuthenticator.Location.QUERY), "/query"));
    assertEquals(404, status(new BearerTokenAuthenticator("wrong"), "/bearer"));
  }

  /** A clock the test moves. */
  private static final class MovableClock extends Clock {
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2024-01-01T00:00:00Z"));

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }

  @Test
  void clientCredentialsTokenIsReusedAndRefreshedBeforeItExpires() {
    wireMock.register(post(urlPathEqualTo("/token"))
        .withRequestBody(containing("grant_type=client_credentials"))
        .withRequestBody(containing("client_secret=s3cret"))
        .willReturn(okJson("{\"access_token\":\"at-1\",\"expires_in\":600}")));
    wireMock.register(get(urlPathEqualTo("/data")).withHeader("Authorization", equalTo("Bearer at-1")).willReturn(okJson("{}")));
    MovableClock clock = new MovableClock();
    OAuth2Authenticator oauth = OAuth2Authenticator.clientCredentials(base + "/token", "id", "s3cret",
        "read", Duration.ofSeconds(60), clock);
    assertEquals(200, status(oauth, "/data"));
    assertEquals(200, status(oauth, "/data"));
    assertEquals(1, oauth.fetches());
    clock.now.set(clock.instant().plusSeconds(541));
    assertEquals(200, status(oauth, "/data"));
    assertEquals(2, oauth.fetches(), "the token was not refreshed a minute before expiry");
    assertTrue(oauth.secrets().contains("s3cret") && oauth.secrets().contains("at-1"));
  }

  @Test
  void aRotatedRefreshTokenIsUsedNextTime() {
    wireMock.register(post(urlPathEqualTo("/oauth")).withRequestBody(containing("refresh_token=r1"))
        .willReturn(okJson("{\"access_token\":\"a1\",\"expires_in\":60,\"refresh_token\":\"r2\"}")));
    wireMock.register(post(urlPathEqualTo("/oauth")).withRequestBody(containing("refresh_token=r2"))
        .willReturn(okJson("{\"access_token\":\"a2\",\"expires_in\":60}")));
    wireMock.register(get(urlPathEqualTo("/me")).willReturn(okJson("{}")));
    MovableClock clock = new MovableClock();
    OAuth2Authenticator oauth = OAuth2Authenticator.refreshToken(base + "/oauth", "id", "secret", "r1",
        Duration.ofSeconds(10), clock);
    status(oauth, "/me");
    clock.now.set(clock.instant().plusSeconds(55));
    status(oauth, "/me");
    wireMock.verifyThat(1, postRequestedFor(urlPathEqualTo("/oauth")).withRequestBody(containing("refresh_token=r2")));
    assertTrue(oauth.secrets().contains("r2"));
  }
}
