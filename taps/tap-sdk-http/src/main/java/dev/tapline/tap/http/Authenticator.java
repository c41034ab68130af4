package dev.tapline.tap.http;

import java.util.List;

/**
 * Adds credentials to each request just before it is sent (and again before each retry, so a
 * refreshed token is used). May be called from several threads at once.
 */
public interface Authenticator {

  /** No credentials. */
  Authenticator NONE = (request, client) -> request;

  /**
   * The request with credentials added.
   *
   * @param request the request about to be sent, never null
   * @param client the client, for authenticators that must fetch a token first
   */
  ApiRequest authenticate(ApiRequest request, ApiClient client);

  /**
   * Values that must never be logged: the static credentials, and tokens obtained at run time.
   * Asked each time a URL or a message is logged.
   */
  default List<String> secrets() {
    return List.of();
  }
}
