package dev.tapline.tap.http;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * "Starting after the last id", as Stripe pages: the next page is asked with {@code
 * ?starting_after=<id of the last record>} while the body says {@code "has_more": true}.
 */
public final class StartingAfterPaginator implements Paginator {

  private final String parameter;
  private final String idProperty;
  private final JsonPointer hasMore;

  /** Stripe's names: {@code starting_after}, {@code id}, {@code /has_more}. */
  public StartingAfterPaginator() {
    this("starting_after", "id", "/has_more");
  }

  /**
   * @param parameter the query parameter taking the last id
   * @param idProperty the record property holding the id
   * @param hasMorePointer where the body says whether more pages follow; empty to go on until a
   *     page comes back empty
   */
  public StartingAfterPaginator(String parameter, String idProperty, String hasMorePointer) {
    this.parameter = parameter;
    this.idProperty = idProperty;
    this.hasMore = hasMorePointer == null || hasMorePointer.isEmpty()
        ? null : JsonPointers.compile(hasMorePointer, "has_more_path");
  }

  @Override
  public ApiRequest apply(ApiRequest request, Page page) {
    return page.isFirst() ? request : request.withQueryReplaced(parameter, page.tokenText());
  }

  @Override
  public Optional<JsonNode> nextToken(Page page, ApiResponse response, List<ObjectNode> records) {
    if (records.isEmpty()) {
      return Optional.empty();
    }
    if (hasMore != null && !response.json().at(hasMore).asBoolean(false)) {
      return Optional.empty();
    }
    JsonNode id = records.get(records.size() - 1).get(idProperty);
    return id == null || id.isNull() ? Optional.empty() : Optional.of(id);
  }
}
