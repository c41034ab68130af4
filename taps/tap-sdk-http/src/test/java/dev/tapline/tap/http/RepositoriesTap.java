package dev.tapline.tap.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.config.Setting;
import dev.tapline.tap.StreamSpec;
import dev.tapline.tap.Tap;
import dev.tapline.tap.TapStream;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A tap over a small issue tracker, for the SDK's tests of child streams: {@code repositories}
 * (a short list) and their {@code issues} (a child stream bookmarked per repository, asked with
 * {@code since=<the repository's bookmark>} and paged by page number).
 */
final class RepositoriesTap extends Tap<RepositoriesTap.Settings> {

  record Settings(
      @Setting(description = "Base URL of the tracker") URI apiUrl,
      @Setting(description = "Earliest issue update to read", required = false)
          Optional<Instant> startDate) {}

  @Override
  protected List<TapStream> streams(Settings settings) {
    ApiClient client = ApiClient.builder().metrics(false).build();
    Repositories repositories = new Repositories(client, settings);
    return List.of(repositories, new Issues(client, settings, repositories));
  }

  private static ObjectNode schema(String... textProperties) {
    ObjectNode schema = Json.object();
    schema.put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    for (String property : textProperties) {
      ObjectNode type = properties.putObject(property);
      type.putArray("type").add("string").add("null");
      if (property.endsWith("_at")) {
        type.put("format", "date-time");
      }
    }
    return schema;
  }

  static final class Repositories extends HttpStream {
    private final Settings settings;

    Repositories(ApiClient client, Settings settings) {
      super(client);
      this.settings = settings;
    }

    @Override
    public StreamSpec spec() {
      return StreamSpec.of("repositories", schema("name", "description"))
          .withKeyProperties("name");
    }

    @Override
    protected ApiRequest request(Page page, RequestContext context) {
      ApiRequest request = ApiRequest.get(settings.apiUrl().toString(), "/repositories");
      // a parent read from a starting value would leave out repositories with new issues
      return context.startingInstant()
          .map(since -> request.withQuery("since", since.toString())).orElse(request);
    }
  }

  static final class Issues extends HttpStream {
    private final Settings settings;
    private final Repositories repositories;

    Issues(ApiClient client, Settings settings, Repositories repositories) {
      super(client);
      this.settings = settings;
      this.repositories = repositories;
    }

    @Override
    public StreamSpec spec() {
      return StreamSpec.of("issues", schema("id", "repository", "title", "updated_at"))
          .withKeyProperties("id").withReplicationKey("updated_at", true);
    }

    @Override
    protected HttpStream parent() {
      return repositories;
    }

    @Override
    protected ObjectNode partitionContext(ObjectNode repository) {
      ObjectNode context = Json.object();
      context.set("repository", repository.get("name"));
      return context;
    }

    @Override
    protected ApiRequest request(Page page, RequestContext context) {
      ApiRequest request = ApiRequest.get(settings.apiUrl().toString(),
          "/repositories/" + context.parent().path("name").asText() + "/issues");
      return context.startingInstant()
          .map(since -> request.withQuery("since", since.toString())).orElse(request);
    }

    @Override
    protected Paginator paginator() {
      return new PageNumberPaginator("page", 1, null, 0);
    }

    @Override
    protected ObjectNode transform(ObjectNode issue, RequestContext context) {
      issue.set("repository", context.parent().get("name"));
      return issue;
    }
  }
}
