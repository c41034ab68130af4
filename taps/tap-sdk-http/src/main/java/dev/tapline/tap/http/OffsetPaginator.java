package dev.tapline.tap.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import java.util.List;
import java.util.Optional;

/**
 * {@code ?offset=200&limit=100}: the next page starts after the records read so far; a page with
 * fewer records than the limit is the last.
 */
public final class OffsetPaginator implements Paginator {

  private final String offsetParameter;
  private final String limitParameter;
  private final int limit;

  public OffsetPaginator(String offsetParameter, String limitParameter, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    this.offsetParameter = offsetParameter;
    this.limitParameter = limitParameter;
    this.limit = limit;
  }

  @Override
  public ApiRequest apply(ApiRequest request, Page page) {
    long offset = page.isFirst() ? 0 : page.token().longValue();
    return request.withQueryReplaced(offsetParameter, Long.toString(offset))
        .withQueryReplaced(limitParameter, Integer.toString(limit));
  }

  @Override
  public Optional<JsonNode> nextToken(Page page, ApiResponse response, List<ObjectNode> records) {
    if (records.size() < limit) {
      return Optional.empty();
    }
    long offset = page.isFirst() ? 0 : page.token().longValue();
    return Optional.of(Json.NODES.numberNode(offset + records.size()));
  }
}
