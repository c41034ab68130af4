package dev.tapline.tap.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapline.spec.TaplineException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * OAuth 2 access tokens from a token endpoint, by client credentials or by a refresh token, sent
 * as {@code Authorization: Bearer}. The token is fetched on first use and fetched again {@code
 * refreshMargin} before it expires ({@code expires_in} of the token response; an hour when the
 * server does not say). A new refresh token in the response replaces the old one. Thread-safe.
 */
public final class OAuth2Authenticator implements Authenticator {

  private final String tokenUrl;
  private final Map<String, String> form;
  private final Duration refreshMargin;
  private final Clock clock;
  private final List<String> secrets = new CopyOnWriteArrayList<>();
  private String accessToken;
  private Instant expiresAt = Instant.MIN;
  private int fetches;

  private OAuth2Authenticator(String tokenUrl, Map<String, String> form, Duration refreshMargin,
      Clock clock) {
    this.tokenUrl = Objects.requireNonNull(tokenUrl, "tokenUrl");
    this.form = new LinkedHashMap<>(form);
    this.refreshMargin = refreshMargin;
    this.clock = clock;
    for (Map.Entry<String, String> field : form.entrySet()) {
      if (field.getKey().equals("client_secret") || field.getKey().equals("refresh_token")) {
        secrets.add(field.getValue());
      }
    }
  }

  /** The client credentials grant. {@code scope} may be null. */
  public static OAuth2Authenticator clientCredentials(String tokenUrl, String clientId,
      String clientSecret, String scope, Duration refreshMargin, Clock clock) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "client_credentials");
    form.put("client_id", clientId);
    form.put("client_secret", clientSecret);
    if (scope != null && !scope.isBlank()) {
      form.put("scope", scope);
    }
    return new OAuth2Authenticator(tokenUrl, form, refreshMargin, clock);
  }

  /** The refresh token grant. */
  public static OAuth2Authenticator refreshToken(String tokenUrl, String clientId,
      String clientSecret, String refreshToken, Duration refreshMargin, Clock clock) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "refresh_token");
    form.put("client_id", clientId);
    form.put("client_secret", clientSecret);
    form.put("refresh_token", refreshToken);
    return new OAuth2Authenticator(tokenUrl, form, refreshMargin, clock);
  }

  @Override
  public ApiRequest authenticate(ApiRequest request, ApiClient client) {
    return request.withHeader("Authorization", "Bearer " + token(client));
  }

  @Override
  public List<String> secrets() {
    return secrets;
  }

  /** How many tokens were fetched so far. */
  public synchronized int fetches() {
    return fetches;
  }

  private synchronized String token(ApiClient client) {
    Instant now = clock.instant();
    if (accessToken != null && now.isBefore(expiresAt.minus(refreshMargin))) {
      return accessToken;
    }
    StringBuilder body = new StringBuilder();
    for (Map.Entry<String, String> field : form.entrySet()) {
      if (body.length() > 0) {
        body.append('&');
      }
      body.append(URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8));
    }
    ApiRequest request = ApiRequest.get(tokenUrl)
        .withBody("POST", body.toString(), "application/x-www-form-urlencoded")
        .withHeader("Accept", "application/json");
    ApiResponse response = client.send(request, false);
    JsonNode json = response.json();
    JsonNode token = json.get("access_token");
    if (token == null || !token.isTextual() || token.textValue().isEmpty()) {
      throw new TaplineException("The OAuth token endpoint " + ApiClient.redactedUrl(request)
          + " answered without an access_token; check the client id, secret and token URL.");
    }
    accessToken = token.textValue();
    secrets.add(accessToken);
    long seconds = json.path("expires_in").asLong(3600);
    expiresAt = now.plusSeconds(seconds);
    JsonNode refresh = json.get("refresh_token");
    if (refresh != null && refresh.isTextual() && form.containsKey("refresh_token")) {
      form.put("refresh_token", refresh.textValue());
      secrets.add(refresh.textValue());
    }
    fetches++;
    return accessToken;
  }
}
