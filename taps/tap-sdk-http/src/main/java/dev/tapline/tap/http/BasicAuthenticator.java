package dev.tapline.tap.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** HTTP basic authentication: {@code Authorization: Basic base64(user:password)}. */
public final class BasicAuthenticator implements Authenticator {

  private final String header;
  private final String password;

  /** @param password may be empty (Stripe takes the secret key as user and no password) */
  public BasicAuthenticator(String user, String password) {
    this.password = password == null ? "" : password;
    this.header = "Basic " + Base64.getEncoder().encodeToString(
        (user + ":" + this.password).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public ApiRequest authenticate(ApiRequest request, ApiClient client) {
    return request.withHeader("Authorization", header);
  }

  @Override
  public List<String> secrets() {
    return password.isEmpty() ? List.of(header.substring(6)) : List.of(password, header.substring(6));
  }
}
