package dev.tapline.tap.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import java.util.List;
import java.util.Optional;

/**
 * {@code ?page=3&per_page=100}: pages counted from {@code firstPage}; an empty page, or one with
 * fewer records than the page size when a size is sent, is the last.
 */
public final class PageNumberPaginator implements Paginator {

  private final String pageParameter;
  private final int firstPage;
  private final String sizeParameter;
  private final int size;

  /**
   * @param pageParameter the query parameter of the page number
   * @param firstPage the number of the first page (0 or 1)
   * @param sizeParameter the query parameter of the page size, or null to send none
   * @param size the page size sent (ignored without {@code sizeParameter})
   */
  public PageNumberPaginator(String pageParameter, int firstPage, String sizeParameter, int size) {
    this.pageParameter = pageParameter;
    this.firstPage = firstPage;
    this.sizeParameter = sizeParameter;
    this.size = size;
  }

  @Override
  public ApiRequest apply(ApiRequest request, Page page) {
    long number = page.isFirst() ? firstPage : page.token().longValue();
    ApiRequest paged = request.withQueryReplaced(pageParameter, Long.toString(number));
    return sizeParameter == null ? paged : paged.withQueryReplaced(sizeParameter, Integer.toString(size));
  }

  @Override
  public Optional<JsonNode> nextToken(Page page, ApiResponse response, List<ObjectNode> records) {
    if (records.isEmpty() || (sizeParameter != null && records.size() < size)) {
      return Optional.empty();
    }
    long number = page.isFirst() ? firstPage : page.token().longValue();
    return Optional.of(Json.NODES.numberNode(number + 1));
  }
}
