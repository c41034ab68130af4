package dev.tapline.tap.http;

import java.util.List;
import java.util.Objects;

/** An API key sent in a header ({@code X-Api-Key: ...}) or a query parameter ({@code ?api_key=...}). */
public final class ApiKeyAuthenticator implements Authenticator {

  /** Where the key goes. */
  public enum Location { HEADER, QUERY }

  private final String name;
  private final String key;
  private final Location location;

  public ApiKeyAuthenticator(String name, String key, Location location) {
    this.name = Objects.requireNonNull(name, "name");
    this.key = Objects.requireNonNull(key, "key");
    this.location = Objects.requireNonNull(location, "location");
  }

  @Override
  public ApiRequest authenticate(ApiRequest request, ApiClient client) {
    return location == Location.HEADER
        ? request.withHeader(name, key)
        : request.withQueryReplaced(name, key);
  }

  @Override
  public List<String> secrets() {
    return List.of(key);
  }
}
