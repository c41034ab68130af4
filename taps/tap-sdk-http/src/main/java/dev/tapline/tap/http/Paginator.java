package dev.tapline.tap.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * How a stream walks the pages of a listing. Stateless: everything a paginator needs travels in
 * the {@link Page} token, so one instance serves every stream and every parent. Called on the
 * thread that reads the stream's records.
 *
 * <p>The SDK stops with an error when a paginator hands out the same token twice in a row (an API
 * that ignores the paging parameter would otherwise be read forever).
 */
public interface Paginator {

  /** A listing of one page. */
  Paginator SINGLE_PAGE = new Paginator() {
    @Override
    public ApiRequest apply(ApiRequest request, Page page) {
      return request;
    }

    @Override
    public Optional<JsonNode> nextToken(Page page, ApiResponse response, List<ObjectNode> records) {
      return Optional.empty();
    }
  };

  /**
   * Adds the paging parameters for {@code page} to the request the stream built.
   *
   * @param request the stream's request for this page, never null
   * @param page the page wanted; {@link Page#isFirst()} on the first
   */
  ApiRequest apply(ApiRequest request, Page page);

  /**
   * The token of the next page, or empty when {@code response} was the last page.
   *
   * @param page the page just read
   * @param response its response (status 2xx)
   * @param records the records found in it, before the stream's transform; may be empty
   */
  Optional<JsonNode> nextToken(Page page, ApiResponse response, List<ObjectNode> records);
}
