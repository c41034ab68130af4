package dev.tapline.tap.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.TaplineException;
import dev.tapline.tap.LazyJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A response of the API: status, headers and body, read completely. The body is parsed as JSON
 * once, on first use (numbers exact), by {@link LazyJson}: the text is checked whole, and objects
 * and arrays are read as they are used, so records' nested values that nobody reads are written
 * out as the bytes they came as. The paginator and the stream share that tree. Used on one thread
 * at a time.
 */
public final class ApiResponse {

  private final ApiRequest request;
  private final int status;
  private final Map<String, List<String>> headers;
  private final byte[] body;
  private JsonNode json;

  /**
   * @param request the request that was answered
   * @param status the HTTP status code
   * @param headers the response headers, names in lower case
   * @param body the body bytes
   */
  public ApiResponse(ApiRequest request, int status, Map<String, List<String>> headers, byte[] body) {
    this.request = request;
    this.status = status;
    Map<String, List<String>> lowerCase = new java.util.HashMap<>();
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      lowerCase.computeIfAbsent(header.getKey().toLowerCase(Locale.ROOT), name -> new java.util.ArrayList<>())
          .addAll(header.getValue());
    }
    this.headers = Map.copyOf(lowerCase);
    this.body = body;
  }

  public ApiRequest request() {
    return request;
  }

  public int status() {
    return status;
  }

  /** Every header, names in lower case. */
  public Map<String, List<String>> headers() {
    return headers;
  }

  public byte[] body() {
    return body;
  }

  /** The first value of a header (any case), or null. */
  public String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The body as UTF-8 text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** Whether the body is empty or only whitespace (read as no JSON value, as Jackson reads it). */
  private static boolean isBlank(byte[] body) {
    for (byte b : body) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  /** The body parsed as JSON with exact numbers; parsed once. */
  public JsonNode json() {
    if (json == null) {
      try {
        json = isBlank(body) ? Json.NODES.missingNode() : LazyJson.parse(body);
      } catch (IllegalArgumentException e) {
        String start = bodyText();
        throw new TaplineException("The response of " + ApiClient.redactedUrl(request)
            + " is not JSON (" + e.getMessage() + "); it starts with: "
            + start.substring(0, Math.min(200, start.length())));
      }
    }
    return json;
  }
}
