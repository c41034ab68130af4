package dev.tapline.tap.http;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where a stream is in a paged listing: the page's number (0 for the first) and the token the
 * paginator needs to ask for it (a cursor, a URL, an offset, an id), null for the first page.
 *
 * @param number how many pages came before this one
 * @param token what the paginator took from the previous response, or null on the first page
 */
public record Page(int number, JsonNode token) {

  /** The first page. */
  public static final Page FIRST = new Page(0, null);

  /** Whether this is the first page. */
  public boolean isFirst() {
    return token == null;
  }

  /** The page after this one, reached with {@code nextToken}. */
  public Page next(JsonNode nextToken) {
    return new Page(number + 1, nextToken);
  }

  /** The token as text, or null on the first page. */
  public String tokenText() {
    return token == null ? null : token.asText();
  }
}
