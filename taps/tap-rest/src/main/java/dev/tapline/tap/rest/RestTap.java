package dev.tapline.tap.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.config.Setting;
import dev.tapline.tap.Tap;
import dev.tapline.tap.TapStream;
import dev.tapline.tap.http.ApiClient;
import dev.tapline.tap.http.ApiKeyAuthenticator;
import dev.tapline.tap.http.Authenticator;
import dev.tapline.tap.http.BasicAuthenticator;
import dev.tapline.tap.http.BearerTokenAuthenticator;
import dev.tapline.tap.http.OAuth2Authenticator;
import dev.tapline.tap.http.RetryPolicy;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * tap-rest: a tap for any JSON API, whose streams are declared in the config - path, query
 * parameters, where the records are, keys, the replication key and the query parameter that takes
 * the bookmark, the paginator, and a schema (inferred from the first pages when absent). A new API
 * in a config file, no code.
 */
public final class RestTap extends Tap<RestTap.Settings> {

  /** How requests are authenticated. */
  public enum AuthType { NONE, BEARER, BASIC, API_KEY, OAUTH2_CLIENT_CREDENTIALS, OAUTH2_REFRESH_TOKEN }

  /** The settings of tap-rest. */
  public record Settings(
      @Setting(description = "Base URL of the API; stream paths are relative to it") URI apiUrl,
      @Setting(description = "The streams: name, path, params, records_path, primary_keys,"
          + " replication_key, replication_param, paginator, schema")
          List<StreamSettings> streams,
      @Setting(description = "Earliest replication-key value to read on the first run", required = false)
          Optional<Instant> startDate,
      @Setting(description = "none, bearer, basic, api-key, oauth2-client-credentials or"
          + " oauth2-refresh-token", defaultValue = "none")
          AuthType authType,
      @Setting(description = "Bearer token", required = false, secret = true) Optional<String> token,
      @Setting(description = "User of basic authentication", required = false) Optional<String> username,
      @Setting(description = "Password of basic authentication", required = false, secret = true)
          Optional<String> password,
      @Setting(description = "API key", required = false, secret = true) Optional<String> apiKey,
      @Setting(description = "Header or query parameter that carries the API key",
          defaultValue = "X-API-Key")
          String apiKeyName,
      @Setting(description = "Where the API key goes: header or query", defaultValue = "header")
          ApiKeyAuthenticator.Location apiKeyLocation,
      @Setting(description = "OAuth 2 token endpoint", required = false) Optional<String> oauthTokenUrl,
      @Setting(description = "OAuth 2 client id", required = false) Optional<String> clientId,
      @Setting(description = "OAuth 2 client secret", required = false, secret = true)
          Optional<String> clientSecret,
      @Setting(description = "OAuth 2 refresh token", required = false, secret = true)
          Optional<String> refreshToken,
      @Setting(description = "OAuth 2 scope", required = false) Optional<String> scope,
      @Setting(description = "Headers sent with every request", required = false)
          Map<String, String> headers,
      @Setting(description = "Requests per second at most; 0 for no limit", defaultValue = "0")
          double requestsPerSecond,
      @Setting(description = "Attempts per request before giving up", defaultValue = "8")
          int maxAttempts,
      @Setting(description = "Seconds before the first retry; doubled at each retry", defaultValue = "1")
          Duration retryBackoff,
      @Setting(description = "Seconds to wait for a response", defaultValue = "300")
          Duration requestTimeout,
      @Setting(description = "Records sampled to infer a schema a stream does not declare",
          defaultValue = "200")
          int inferenceRecords) {}

  /** One stream of the config. */
  public record StreamSettings(
      @Setting(description = "Stream name") String name,
      @Setting(description = "Path under api_url, e.g. /v1/users") String path,
      @Setting(description = "Query parameters of every request", required = false)
          Map<String, String> params,
      @Setting(description = "JSON Pointer of the records in the body; empty: the body is the"
          + " array", defaultValue = "\"\"")
          String recordsPath,
      @Setting(description = "Properties identifying a record", required = false)
          List<String> primaryKeys,
      @Setting(description = "Property bookmarked for incremental reads", required = false)
          Optional<String> replicationKey,
      @Setting(description = "Query parameter that takes the bookmark", required = false)
          Optional<String> replicationParam,
      @Setting(description = "Whether records come in ascending order of the replication key",
          defaultValue = "false")
          boolean sorted,
      @Setting(description = "How pages follow each other", required = false)
          Optional<PaginatorSettings> paginator,
      @Setting(description = "JSON Schema of a record; inferred from the first pages when absent",
          required = false)
          Optional<ObjectNode> schema) {}

  /** The paginator of a stream. */
  public record PaginatorSettings(
      @Setting(description = "none, next-url, cursor, offset, page-number, link-header or"
          + " starting-after")
          PaginatorType type,
      @Setting(description = "next-url: JSON Pointer of the next URL", defaultValue = "/next")
          String nextUrlPath,
      @Setting(description = "cursor: JSON Pointer of the cursor", defaultValue = "/next_cursor")
          String cursorPath,
      @Setting(description = "cursor: query parameter taking it", defaultValue = "cursor")
          String cursorParam,
      @Setting(description = "offset: query parameter of the offset", defaultValue = "offset")
          String offsetParam,
      @Setting(description = "offset: query parameter of the limit", defaultValue = "limit")
          String limitParam,
      @Setting(description = "page-number: query parameter of the page", defaultValue = "page")
          String pageParam,
      @Setting(description = "page-number: number of the first page", defaultValue = "1")
          int firstPage,
      @Setting(description = "page-number: query parameter of the page size", required = false)
          Optional<String> sizeParam,
      @Setting(description = "offset and page-number: records per page", defaultValue = "100")
          int pageSize,
      @Setting(description = "starting-after: query parameter", defaultValue = "starting_after")
          String startingAfterParam,
      @Setting(description = "starting-after: property holding the id", defaultValue = "id")
          String idProperty,
      @Setting(description = "starting-after: JSON Pointer of the has-more flag", defaultValue = "/has_more")
          String hasMorePath) {}

  /** The paginators tap-rest offers. */
  public enum PaginatorType { NONE, NEXT_URL, CURSOR, OFFSET, PAGE_NUMBER, LINK_HEADER, STARTING_AFTER }

  @Override
  public String description() {
    return "Reads any JSON API whose streams are declared in the config.";
  }

  @Override
  protected List<TapStream> streams(Settings settings) {
    if (settings.streams().isEmpty()) {
      throw new ConfigurationException("The config declares no stream; add one to 'streams'"
          + " with at least a name and a path.");
    }
    ApiClient.Builder builder = ApiClient.builder()
        .authenticator(authenticator(settings))
        .requestsPerSecond(settings.requestsPerSecond())
        .requestTimeout(settings.requestTimeout())
        .retryPolicy(new RetryPolicy(settings.maxAttempts(), settings.retryBackoff(),
            settings.retryBackoff().compareTo(Duration.ofSeconds(60)) > 0
                ? settings.retryBackoff() : Duration.ofSeconds(60),
            Duration.ofMinutes(10)));
    if (settings.headers() != null) {
      settings.headers().forEach(builder::header);
    }
    ApiClient client = builder.build();
    List<TapStream> streams = new ArrayList<>();
    for (StreamSettings stream : settings.streams()) {
      streams.add(new RestStream(client, settings, stream));
    }
    return streams;
  }

  static Authenticator authenticator(Settings settings) {
    return switch (settings.authType()) {
      case NONE -> Authenticator.NONE;
      case BEARER -> new BearerTokenAuthenticator(required(settings.token(), "token", "bearer"));
      case BASIC -> new BasicAuthenticator(required(settings.username(), "username", "basic"),
          settings.password().orElse(""));
      case API_KEY -> new ApiKeyAuthenticator(settings.apiKeyName(),
          required(settings.apiKey(), "api_key", "api-key"), settings.apiKeyLocation());
      case OAUTH2_CLIENT_CREDENTIALS -> OAuth2Authenticator.clientCredentials(
          required(settings.oauthTokenUrl(), "oauth_token_url", "oauth2-client-credentials"),
          required(settings.clientId(), "client_id", "oauth2-client-credentials"),
          required(settings.clientSecret(), "client_secret", "oauth2-client-credentials"),
          settings.scope().orElse(null), Duration.ofMinutes(1), Clock.systemUTC());
      case OAUTH2_REFRESH_TOKEN -> OAuth2Authenticator.refreshToken(
          required(settings.oauthTokenUrl(), "oauth_token_url", "oauth2-refresh-token"),
          required(settings.clientId(), "client_id", "oauth2-refresh-token"),
          required(settings.clientSecret(), "client_secret", "oauth2-refresh-token"),
          required(settings.refreshToken(), "refresh_token", "oauth2-refresh-token"),
          Duration.ofMinutes(1), Clock.systemUTC());
    };
  }

  private static String required(Optional<String> value, String setting, String authType) {
    return value.filter(v -> !v.isBlank()).orElseThrow(() -> new ConfigurationException(
        "auth_type " + authType + " needs the setting '" + setting + "'; add it to the config."));
  }

  static String spelling(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static void main(String[] args) {
    Tap.main(new RestTap(), args);
  }
}
