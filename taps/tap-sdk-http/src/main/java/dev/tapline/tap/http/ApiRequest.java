package dev.tapline.tap.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request to an API, as an immutable value: a stream builds it from the page and the
 * context, the paginator adds its paging parameters, the authenticator its credentials, and the
 * {@link ApiClient} sends it. Every {@code with} method returns a copy.
 *
 * @param method the HTTP method, e.g. {@code GET}
 * @param url an absolute URL; it may carry a query string of its own (a next-page URL does)
 * @param query query parameters appended to the URL, in order; a name may repeat
 * @param headers request headers (one value per name)
 * @param body the request body, or null
 * @param contentType the body's media type, or null without a body
 */
public record ApiRequest(
    String method,
    String url,
    List<Parameter> query,
    Map<String, String> headers,
    String body,
    String contentType) {

  /** One query parameter. */
  public record Parameter(String name, String value) {
    public Parameter {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }
  }

  public ApiRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(url, "url");
    query = query == null ? List.of() : List.copyOf(query);
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  /** A GET of an absolute URL. */
  public static ApiRequest get(String url) {
    return new ApiRequest("GET", url, List.of(), Map.of(), null, null);
  }

  /** A GET of {@code path} under {@code baseUrl}; one slash joins them whatever either side has. */
  public static ApiRequest get(String baseUrl, String path) {
    return get(join(baseUrl, path));
  }

  /** Joins a base URL and a path with exactly one slash. */
  public static String join(String baseUrl, String path) {
    if (path == null || path.isEmpty()) {
      return baseUrl;
    }
    if (path.startsWith("http://") || path.startsWith("https://")) {
      return path;
    }
    boolean baseSlash = baseUrl.endsWith("/");
    boolean pathSlash = path.startsWith("/");
    if (baseSlash && pathSlash) {
      return baseUrl + path.substring(1);
    }
    return baseSlash || pathSlash ? baseUrl + path : baseUrl + "/" + path;
  }

  /** A copy with one more query parameter (an existing one of the same name stays). */
  public ApiRequest withQuery(String name, String value) {
    List<Parameter> parameters = new ArrayList<>(query);
    parameters.add(new Parameter(name, value));
    return new ApiRequest(method, url, parameters, headers, body, contentType);
  }

  /** A copy where {@code name} has only this value (null removes it). */
  public ApiRequest withQueryReplaced(String name, String value) {
    List<Parameter> parameters = new ArrayList<>();
    for (Parameter parameter : query) {
      if (!parameter.name().equals(name)) {
        parameters.add(parameter);
      }
    }
    if (value != null) {
      parameters.add(new Parameter(name, value));
    }
    return new ApiRequest(method, url, parameters, headers, body, contentType);
  }

  /** A copy with every parameter of the map added. */
  public ApiRequest withQuery(Map<String, String> parameters) {
    ApiRequest request = this;
    for (Map.Entry<String, String> entry : parameters.entrySet()) {
      request = request.withQuery(entry.getKey(), entry.getValue());
    }
    return request;
  }

  /** The first value of a query parameter, or null. */
  public String queryValue(String name) {
    for (Parameter parameter : query) {
      if (parameter.name().equals(name)) {
        return parameter.value();
      }
    }
    return null;
  }

  /** A copy with a header set (null removes it). */
  public ApiRequest withHeader(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    if (value == null) {
      copy.remove(name);
    } else {
      copy.put(name, value);
    }
    return new ApiRequest(method, url, query, copy, body, contentType);
  }

  /** A copy that goes to another absolute URL, its query parameters dropped (a next-page link). */
  public ApiRequest withUrl(String absoluteUrl) {
    return new ApiRequest(method, absoluteUrl, List.of(), headers, body, contentType);
  }

  /** A copy with another method and body. */
  public ApiRequest withBody(String newMethod, String newBody, String newContentType) {
    return new ApiRequest(newMethod, url, query, headers, newBody, newContentType);
  }
}
