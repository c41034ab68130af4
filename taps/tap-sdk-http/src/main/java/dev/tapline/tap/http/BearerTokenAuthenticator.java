package dev.tapline.tap.http;

import java.util.List;
import java.util.Objects;

/** {@code Authorization: Bearer <token>}. */
public final class BearerTokenAuthenticator implements Authenticator {

  private final String token;

  public BearerTokenAuthenticator(String token) {
    this.token = Objects.requireNonNull(token, "token");
  }

  @Override
  public ApiRequest authenticate(ApiRequest request, ApiClient client) {
    return request.withHeader("Authorization", "Bearer " + token);
  }

  @Override
  public List<String> secrets() {
    return List.of(token);
  }
}
