package dev.tapline.tap.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The next page is the {@code rel="next"} link of the {@code Link} response header (RFC 8288, as
 * GitHub and many others send it): {@code <https://api/items?page=2>; rel="next", <...>; rel="last"}.
 */
public final class LinkHeaderPaginator implements Paginator {

  @Override
  public ApiRequest apply(ApiRequest request, Page page) {
    return page.isFirst() ? request : request.withUrl(ApiRequest.join(request.url(), page.tokenText()));
  }

  @Override
  public Optional<JsonNode> nextToken(Page page, ApiResponse response, List<ObjectNode> records) {
    List<String> values = response.headers().getOrDefault("link", List.of());
    for (String value : values) {
      String next = nextLink(value);
      if (next != null) {
        return Optional.of(Json.NODES.textNode(next));
      }
    }
    return Optional.empty();
  }

  /** The URL of the {@code rel="next"} entry of one {@code Link} header value, or null. */
  static String nextLink(String header) {
    int position = 0;
    while (position < header.length()) {
      int open = header.indexOf('<', position);
      if (open < 0) {
        return null;
      }
      int close = header.indexOf('>', open);
      if (close < 0) {
        return null;
      }
      String url = header.substring(open + 1, close);
      int nextEntry = header.indexOf('<', close);
      String parameters = header.substring(close + 1, nextEntry < 0 ? header.length() : nextEntry);
      for (String parameter : parameters.split(";")) {
        String[] pair = parameter.trim().split("=", 2);
        if (pair.length == 2 && pair[0].trim().equalsIgnoreCase("rel")) {
          String relations = pair[1].replace("\"", "").replace(",", " ").trim().toLowerCase(Locale.ROOT);
          for (String relation : relations.split("\\s+")) {
            if (relation.equals("next")) {
              return url;
            }
          }
        }
      }
      position = nextEntry < 0 ? header.length() : nextEntry;
    }
    return null;
  }
}
