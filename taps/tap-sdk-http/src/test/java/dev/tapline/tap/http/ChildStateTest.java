package dev.tapline.tap.http;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockRuntimeInfo;
import com.github.tomakehurst.wiremock.junit5.WireMockTest;
import com.github.tomakehurst.wiremock.matching.StringValuePattern;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.tapline.spec.Json;
import dev.tapline.tap.contract.TapRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child stream's bookmarks kept per parent record: an issue tracker with three repositories,
 * each with a paged issue list asked with {@code since}; the state holds one partition per
 * repository and a second run asks each repository from its own bookmark.
 */
@WireMockTest
class ChildStateTest {

  private static final String START = "2025-06-01T00:00:00Z";

  @TempDir Path directory;
  private WireMock wireMock;
  private String base;

  @BeforeEach
  void start(WireMockRuntimeInfo info) {
    wireMock = info.getWireMock();
    base = info.getHttpBaseUrl();
  }

  private static String issues(String repository, String... idsAndTimes) {
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i + 1 < idsAndTimes.length; i += 2) {
      json.append(i == 0 ? "" : ",").append("{\"id\":\"").append(idsAndTimes[i])
          .append("\",\"title\":\"issue of ").append(repository).append("\",\"updated_at\":\"")
          .append(idsAndTimes[i + 1]).append("\"}");
    }
    return json.append("]").toString();
  }

  /** The pages of one repository's issues for one {@code since}, then an empty page. */
  private void issuePages(String repository, String since, String... pages) {
    StringValuePattern sincePattern = since == null ? absent() : equalTo(since);
    for (int page = 0; page <= pages.length; page++) {
      wireMock.register(get(urlPathEqualTo("/repositories/" + repository + "/issues"))
          .withQueryParam("since", sincePattern)
          .withQueryParam("page", equalTo(Integer.toString(page + 1)))
          .willReturn(okJson(page < pages.length ? pages[page] : "[]")));
    }
  }

  private Path configFile() throws IOException {
    ObjectNode config = Json.object();
    config.put("api_url", base);
    config.put("start_date", START);
    return Files.writeString(directory.resolve("config.json"), Json.write(config));
  }

  private TapRun run(JsonNode state) throws IOException {
    Path configFile = configFile();
    if (state == null) {
      return TapRun.run(new RepositoriesTap(), "--config", configFile.toString());
    }
    Path stateFile = Files.writeString(directory.resolve("state.json"), Json.write(state));
    return TapRun.run(new RepositoriesTap(), "--config", configFile.toString(),
        "--state", stateFile.toString());
  }

  private List<String> sinceAsked(String repository) {
    List<String> values = new ArrayList<>();
    for (LoggedRequest request : wireMock.find(
        getRequestedFor(urlPathEqualTo("/repositories/" + repository + "/issues")))) {
      values.add(request.queryParameter("since").isPresent()
          ? request.queryParameter("since").firstValue() : "-");
    }
    return values;
  }

  /** The issues bookmark's partitions as {@code repository=value} in state order. */
  private static List<String> partitions(JsonNode state) {
    JsonNode bookmark = state.path("bookmarks").path("issues");
    List<String> partitions = new ArrayList<>();
    for (JsonNode partition : bookmark.path("partitions")) {
      assertEquals("updated_at", partition.path("replication_key").asText(), partition.toString());
      partitions.add(partition.path("context").path("repository").asText() + "="
          + partition.path("replication_key_value").asText());
    }
    return partitions;
  }

  private static List<String> ids(TapRun run) {
    List<String> ids = new ArrayList<>();
    run.records("issues").forEach(issue -> ids.add(issue.path("id").asText()));
    return ids;
  }

  @Test
  void eachParentKeepsItsOwnBookmarkAndIsAskedFromIt() throws IOException {
    wireMock.register(get(urlPathEqualTo("/repositories"))
        .willReturn(okJson("[{\"name\":\"alpha\"},{\"name\":\"beta\"},{\"name\":\"gamma\"}]")));
    issuePages("alpha", START,
        issues("alpha", "a1", "2026-01-01T00:00:00Z", "a2", "2026-01-02T00:00:00Z"),
        issues("alpha", "a3", "2026-01-03T00:00:00Z"));
    // beta's issues are older than alpha's: each repository is in order, the stream as a whole is not
    issuePages("beta", START, issues("beta", "b1", "2025-12-05T00:00:00Z"));
    issuePages("gamma", START);

    TapRun first = run(null);
    assertEquals(0, first.exitCode(), first.describe());
    assertEquals(List.of("a1", "a2", "a3", "b1"), ids(first));
    assertEquals(3, first.records("repositories").size());
    assertEquals(1, wireMock.find(getRequestedFor(urlPathEqualTo("/repositories"))).size(),
        "the parent list was read twice although the parent stream read it in this run");
    assertEquals(List.of("alpha=2026-01-03T00:00:00Z", "beta=2025-12-05T00:00:00Z"),
        partitions(first.lastState()), "gamma had no issue, so it has no bookmark yet");
    assertTrue(first.lastState().path("bookmarks").path("issues").path("replication_key_value")
        .isMissingNode(), "a bookmark for all repositories: " + first.lastState());

    wireMock.resetMappings();
    wireMock.resetRequests();
    wireMock.register(get(urlPathEqualTo("/repositories"))
        .willReturn(okJson("[{\"name\":\"alpha\"},{\"name\":\"beta\"},{\"name\":\"gamma\"}]")));
    issuePages("alpha", "2026-01-03T00:00:00Z",
        issues("alpha", "a3", "2026-01-03T00:00:00Z", "a4", "2026-01-10T00:00:00Z"));
    issuePages("beta", "2025-12-05T00:00:00Z", issues("beta", "b1", "2025-12-05T00:00:00Z"));
    issuePages("gamma", START, issues("gamma", "g1", "2026-03-01T00:00:00Z"));

    TapRun second = run(first.lastState());
    assertEquals(0, second.exitCode(), second.describe());
    assertEquals(List.of("2026-01-03T00:00:00Z", "2026-01-03T00:00:00Z"), sinceAsked("alpha"));
    assertEquals(List.of("2025-12-05T00:00:00Z", "2025-12-05T00:00:00Z"), sinceAsked("beta"));
    assertEquals(List.of(START, START), sinceAsked("gamma"), "a new parent starts at start_date");
    assertEquals(1, wireMock.find(getRequestedFor(urlPathEqualTo("/repositories"))).size());
    assertEquals(List.of("a3", "a4", "b1", "g1"), ids(second));
    assertEquals(List.of("alpha=2026-01-10T00:00:00Z", "beta=2025-12-05T00:00:00Z",
        "gamma=2026-03-01T00:00:00Z"), partitions(second.lastState()));
  }

  @Test
  void aChildSelectedAloneReadsTheWholeParentListItself() throws IOException {
    wireMock.register(get(urlPathEqualTo("/repositories"))
        .willReturn(okJson("[{\"name\":\"alpha\"},{\"name\":\"beta\"}]")));
    issuePages("alpha", "2026-01-01T00:00:00Z", issues("alpha", "a2", "2026-01-02T00:00:00Z"));
    issuePages("beta", START, issues("beta", "b1", "2025-12-05T00:00:00Z"));
    ObjectNode catalog = (ObjectNode) Json.parse(discover());
    for (JsonNode stream : catalog.path("streams")) {
      for (JsonNode entry : stream.path("metadata")) {
        if (entry.path("breadcrumb").isEmpty()) {
          ((ObjectNode) entry.get("metadata")).put("selected", stream.path("stream").asText().equals("issues"));
        }
      }
    }
    Path catalogFile = Files.writeString(directory.resolve("catalog.json"), Json.write(catalog));
    // the issues' bookmark is per repository; a bookmark of the issues as a whole would
    // otherwise be the parent list's starting value
    Path stateFile = Files.writeString(directory.resolve("state.json"), """
        {"bookmarks": {"issues": {"partitions": [{"context": {"repository": "alpha"},
          "replication_key": "updated_at", "replication_key_value": "2026-01-01T00:00:00Z"}]}}}""");
    TapRun run = TapRun.run(new RepositoriesTap(), "--config", configFile().toString(),
        "--catalog", catalogFile.toString(), "--state", stateFile.toString());
    assertEquals(0, run.exitCode(), run.describe());
    assertTrue(run.records("repositories").isEmpty());
    assertEquals(List.of("a2", "b1"), ids(run));
    List<LoggedRequest> parentReads = wireMock.find(getRequestedFor(urlPathEqualTo("/repositories")));
    assertEquals(1, parentReads.size());
    assertTrue(!parentReads.get(0).queryParameter("since").isPresent(),
        "the parent list was read from a starting value: " + parentReads.get(0).getUrl());
  }

  private String discover() throws IOException {
    TapRun run = TapRun.run(new RepositoriesTap(), "--config", configFile().toString(), "--discover");
    assertEquals(0, run.exitCode(), run.describe());
    return run.stdout();
  }

  @Test
  void aParentMissingFromARunKeepsItsBookmark() throws IOException {
    ObjectNode state = (ObjectNode) Json.parse("""
        {"bookmarks": {"issues": {"partitions": [
          {"context": {"repository": "archived"}, "replication_key": "updated_at",
           "replication_key_value": "2024-02-02T00:00:00Z"},
          {"context": {"repository": "alpha"}, "replication_key": "updated_at",
           "replication_key_value": "2026-01-01T00:00:00Z"}]}}}""");
    wireMock.register(get(urlPathEqualTo("/repositories")).willReturn(okJson("[{\"name\":\"alpha\"}]")));
    issuePages("alpha", "2026-01-01T00:00:00Z",
        issues("alpha", "a0", "2025-12-31T00:00:00Z", "a2", "2026-01-02T00:00:00Z"));
    TapRun run = run(state);
    assertEquals(0, run.exitCode(), run.describe());
    assertEquals(List.of("a2"), ids(run), "a record older than its parent's bookmark was kept");
    assertEquals(List.of("archived=2024-02-02T00:00:00Z", "alpha=2026-01-02T00:00:00Z"),
        partitions(run.lastState()));
  }
}
