package dev.tapline.tap.http;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockRuntimeInfo;
import com.github.tomakehurst.wiremock.junit5.WireMockTest;
import dev.tapline.spec.TaplineException;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each ready paginator against a WireMock API paged its way: every record, in order, once. */
@WireMockTest
class PaginatorsTest {

  private ApiClient client;
  private String base;
  private com.github.tomakehurst.wiremock.client.WireMock wireMock;

  @BeforeEach
  void start(WireMockRuntimeInfo info) {
    client = ApiClient.builder().metrics(false).build();
    base = info.getHttpBaseUrl();
    wireMock = info.getWireMock();
  }

  private static String items(String... names) {
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < names.length; i++) {
      json.append(i == 0 ? "" : ",").append("{\"id\":\"").append(names[i]).append("\"}");
    }
    return json.append("]").toString();
  }

  @Test
  void nextUrlInTheBody() {
    wireMock.register(get(urlPathEqualTo("/a")).withQueryParam("page", absent())
        .willReturn(okJson("{\"results\":" + items("1", "2") + ",\"next\":\"" + base + "/a?page=2\"}")));
    wireMock.register(get(urlPathEqualTo("/a")).withQueryParam("page", equalTo("2"))
        .willReturn(okJson("{\"results\":" + items("3") + ",\"next\":null}")));
    List<String> ids = ListingStream.values(
        new ListingStream(client, base + "/a", "/results", new NextUrlPaginator("/next")).readAll(), "id");
    assertEquals(List.of("1", "2", "3"), ids);
  }

  @Test
  void cursorInTheBody() {
    wireMock.register(get(urlPathEqualTo("/b")).withQueryParam("cursor", absent())
        .willReturn(okJson("{\"data\":" + items("1") + ",\"meta\":{\"next\":\"x\"}}")));
    wireMock.register(get(urlPathEqualTo("/b")).withQueryParam("cursor", equalTo("x"))
        .willReturn(okJson("{\"data\":" + items("2") + ",\"meta\":{\"next\":\"\"}}")));
    List<String> ids = ListingStream.values(new ListingStream(client, base + "/b", "/data",
        new CursorPaginator("/meta/next", "cursor")).readAll(), "id");
    assertEquals(List.of("1", "2"), ids);
  }

  @Test
  void offsetAndLimit() {
    wireMock.register(get(urlPathEqualTo("/c")).withQueryParam("offset", equalTo("0"))
        .withQueryParam("limit", equalTo("2")).willReturn(okJson(items("1", "2"))));
    wireMock.register(get(urlPathEqualTo("/c")).withQueryParam("offset", equalTo("2"))
        .withQueryParam("limit", equalTo("2")).willReturn(okJson(items("3", "4"))));
    wireMock.register(get(urlPathEqualTo("/c")).withQueryParam("offset", equalTo("4"))
        .withQueryParam("limit", equalTo("2")).willReturn(okJson(items("5"))));
    List<String> ids = ListingStream.values(new ListingStream(client, base + "/c", "",
        new OffsetPaginator("offset", "limit", 2)).readAll(), "id");
    assertEquals(List.of("1", "2", "3", "4", "5"), ids);
  }

  @Test
  void pageNumbersUntilAnEmptyPage() {
    wireMock.register(get(urlPathEqualTo("/d")).withQueryParam("page", equalTo("1")).willReturn(okJson(items("1"))));
    wireMock.register(get(urlPathEqualTo("/d")).withQueryParam("page", equalTo("2")).willReturn(okJson(items("2"))));
    wireMock.register(get(urlPathEqualTo("/d")).withQueryParam("page", equalTo("3")).willReturn(okJson("[]")));
    List<String> ids = ListingStream.values(new ListingStream(client, base + "/d", "",
        new PageNumberPaginator("page", 1, null, 0)).readAll(), "id");
    assertEquals(List.of("1", "2"), ids);
  }

  @Test
  void linkHeader() {
    wireMock.register(get(urlPathEqualTo("/e")).withQueryParam("page", absent()).willReturn(okJson(items("1"))
        .withHeader("Link", "<" + base + "/e?page=2>; rel=\"next\", <" + base + "/e?page=2>; rel=\"last\"")));
    wireMock.register(get(urlPathEqualTo("/e")).withQueryParam("page", equalTo("2")).willReturn(okJson(items("2"))
        .withHeader("Link", "<" + base + "/e>; rel=\"first\"")));
    List<String> ids = ListingStream.values(new ListingStream(client, base + "/e", "",
        new LinkHeaderPaginator()).readAll(), "id");
    assertEquals(List.of("1", "2"), ids);
  }

  @Test
  void linkHeaderRelationsAreReadWhateverTheirOrderAndQuoting() {
    assertEquals("https://x/b", LinkHeaderPaginator.nextLink("<https://x/a>; rel=prev, <https://x/b>; rel=next"));
    assertEquals("https://x/b", LinkHeaderPaginator.nextLink("<https://x/b>; title=\"n\"; rel=\"next last\""));
    assertEquals(null, LinkHeaderPaginator.nextLink("<https://x/a>; rel=\"prev\""));
  }

  @Test
  void startingAfterTheLastId() {
    wireMock.register(get(urlPathEqualTo("/f")).withQueryParam("starting_after", absent())
        .willReturn(okJson("{\"object\":\"list\",\"data\":" + items("ch_3", "ch_2") + ",\"has_more\":true}")));
    wireMock.register(get(urlPathEqualTo("/f")).withQueryParam("starting_after", equalTo("ch_2"))
        .willReturn(okJson("{\"object\":\"list\",\"data\":" + items("ch_1") + ",\"has_more\":false}")));
    List<String> ids = ListingStream.values(new ListingStream(client, base + "/f", "/data",
        new StartingAfterPaginator()).readAll(), "id");
    assertEquals(List.of("ch_3", "ch_2", "ch_1"), ids);
  }

  @Test
  void onlyOnePageIsReadAheadOfTheRecordsTaken() {
    for (int page = 1; page <= 4; page++) {
      wireMock.register(get(urlPathEqualTo("/ahead")).withQueryParam("page", equalTo(Integer.toString(page)))
          .willReturn(okJson(items("p" + page + "a", "p" + page + "b"))));
    }
    ListingStream stream = new ListingStream(client, base + "/ahead", "",
        new PageNumberPaginator("page", 1, null, 0));
    try (java.util.stream.Stream<com.fasterxml.jackson.databind.node.ObjectNode> records =
        stream.read(new RequestContext(null, null, null))) {
      assertEquals("p1a", records.findFirst().orElseThrow().path("id").asText());
    }
    int requests = wireMock.find(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
        urlPathEqualTo("/ahead"))).size();
    assertTrue(requests <= 2, requests + " pages were requested for one record");
  }

  @Test
  void aTokenSeenBeforeIsAnError() {
    wireMock.register(get(urlPathEqualTo("/g")).withQueryParam("cursor", absent())
        .willReturn(okJson("{\"data\":" + items("1") + ",\"next\":\"a\"}")));
    wireMock.register(get(urlPathEqualTo("/g")).withQueryParam("cursor", equalTo("a"))
        .willReturn(okJson("{\"data\":" + items("2") + ",\"next\":\"b\"}")));
    wireMock.register(get(urlPathEqualTo("/g")).withQueryParam("cursor", equalTo("b"))
        .willReturn(okJson("{\"data\":" + items("3") + ",\"next\":\"a\"}")));
    TaplineException failure = assertThrows(TaplineException.class, () ->
        new ListingStream(client, base + "/g", "/data", new CursorPaginator("/next", "cursor")).readAll());
    assertTrue(failure.getMessage().contains("\"a\" a second time"), failure.getMessage());
  }

  @Test
  void recordsThatAreNotObjectsAreAClearError() {
    wireMock.register(get(urlPathEqualTo("/h")).willReturn(okJson("{\"data\": 3}")));
    TaplineException failure = assertThrows(TaplineException.class, () ->
        new ListingStream(client, base + "/h", "/data", Paginator.SINGLE_PAGE).readAll());
    assertTrue(failure.getMessage().contains("'/data'") && failure.getMessage().contains("NUMBER"),
        failure.getMessage());
  }

  @Test
  void aChildStreamSendsOneRequestSequencePerParentRecord() {
    wireMock.register(get(urlPathEqualTo("/parents")).willReturn(okJson(items("p1", "p2"))));
    wireMock.register(get(urlPathEqualTo("/parents/p1/children")).willReturn(okJson(items("c1", "c2"))));
    wireMock.register(get(urlPathEqualTo("/parents/p2/children")).willReturn(okJson(items("c3"))));
    ListingStream parents = new ListingStream(client, base + "/parents", "", Paginator.SINGLE_PAGE);
    ListingStream children = new ListingStream(client,
        (page, context) -> ApiRequest.get(base, "/parents/" + context.parent().path("id").asText() + "/children"),
        "", Paginator.SINGLE_PAGE, parents);
    assertEquals(List.of("c1", "c2", "c3"), ListingStream.values(children.readAll(), "id"));
  }


}
