package dev.tapline.tap.http;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/** The body names the next page's URL (e.g. {@code "next": "https://.../items?page=3"}). */
public final class NextUrlPaginator implements Paginator {

  private final JsonPointer pointer;

  /** @param pointer where the next URL is in the body, e.g. {@code /next} or {@code /links/next} */
  public NextUrlPaginator(String pointer) {
    this.pointer = JsonPointers.compile(pointer, "next_url_path");
  }

  @Override
  public ApiRequest apply(ApiRequest request, Page page) {
    return page.isFirst() ? request : request.withUrl(ApiRequest.join(request.url(), page.tokenText()));
  }

  @Override
  public Optional<JsonNode> nextToken(Page page, ApiResponse response, List<ObjectNode> records) {
    JsonNode next = response.json().at(pointer);
    return next.isTextual() && !next.textValue().isBlank() ? Optional.of(next) : Optional.empty();
  }
}
