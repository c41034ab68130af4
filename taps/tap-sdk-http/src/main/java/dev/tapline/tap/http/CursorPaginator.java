package dev.tapline.tap.http;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * The body carries an opaque cursor that goes back in a query parameter (e.g. {@code
 * "next_cursor": "abc"} sent as {@code ?cursor=abc}). A null, empty or missing cursor ends the
 * listing.
 */
public final class CursorPaginator implements Paginator {

  private final JsonPointer pointer;
  private final String parameter;

  /**
   * @param pointer where the cursor is in the body, e.g. {@code /meta/next_cursor}
   * @param parameter the query parameter that takes it
   */
  public CursorPaginator(String pointer, String parameter) {
    this.pointer = JsonPointers.compile(pointer, "cursor_path");
    this.parameter = parameter;
  }

  @Override
  public ApiRequest apply(ApiRequest request, Page page) {
    return page.isFirst() ? request : request.withQueryReplaced(parameter, page.tokenText());
  }

  @Override
  public Optional<JsonNode> nextToken(Page page, ApiResponse response, List<ObjectNode> records) {
    JsonNode cursor = response.json().at(pointer);
    if (cursor.isMissingNode() || cursor.isNull() || cursor.asText().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(cursor);
  }
}
