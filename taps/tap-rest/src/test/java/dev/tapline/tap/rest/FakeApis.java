package dev.tapline.tap.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import dev.tapline.spec.Json;

/**
 * Two differently shaped made-up APIs on one WireMock server, for tap-rest's tests:
 *
 * <ul>
 *   <li>a helpdesk at {@code /api/v2/tickets}: bearer token, records under {@code /tickets}, an
 *       opaque cursor in {@code /meta/next_cursor} sent back as {@code ?cursor=}, and {@code
 *       ?since=} filtering by {@code updated_at};
 *   <li>a directory at {@code /users}: API key in the {@code api_key} query parameter, the body
 *       an array, pages numbered {@code ?page=N&per_page=2} and linked by the {@code Link}
 *       header (as GitHub pages).
 * </ul>
 */
final class FakeApis implements AutoCloseable {

  static final String TOKEN = "helpdesk-token-9f8e7d6c";
  static final String API_KEY = "directory-key-1a2b3c4d";

  final WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());

  FakeApis() {
    server.start();
    stubTickets();
    stubUsers();
  }

  String url() {
    return "http://127.0.0.1:" + server.port();
  }

  static ObjectNode ticket(int id) {
    ObjectNode ticket = Json.object();
    ticket.put("id", id);
    ticket.put("subject", "Printer on floor " + id + " is out of toner");
    ticket.put("updated_at", String.format("2024-03-%02dT10:00:00Z", id));
    ticket.set("priority", Json.parse(id + ".50"));
    ticket.putObject("requester").put("email", "user" + id + "@example.com");
    return ticket;
  }

  private static String ticketsPage(String nextCursor, int... ids) {
    ObjectNode body = Json.object();
    ArrayNode tickets = body.putArray("tickets");
    for (int id : ids) {
      tickets.add(ticket(id));
    }
    ObjectNode meta = body.putObject("meta");
    if (nextCursor == null) {
      meta.putNull("next_cursor");
    } else {
      meta.put("next_cursor", nextCursor);
    }
    return Json.write(body);
  }

  private MappingBuilder tickets() {
    return get(urlPathEqualTo("/api/v2/tickets"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN));
  }

  private void stubTickets() {
    server.stubFor(get(urlPathEqualTo("/api/v2/tickets")).atPriority(10)
        .willReturn(aResponse().withStatus(401).withBody("{\"error\":\"invalid token\"}")));
    server.stubFor(tickets().atPriority(5)
        .withQueryParam("since", absent()).withQueryParam("cursor", absent())
        .willReturn(json(ticketsPage("c2", 1, 2))));
    server.stubFor(tickets().atPriority(5)
        .withQueryParam("since", absent()).withQueryParam("cursor", equalTo("c2"))
        .willReturn(json(ticketsPage("c3", 3, 4))));
    server.stubFor(tickets().atPriority(5)
        .withQueryParam("since", absent()).withQueryParam("cursor", equalTo("c3"))
        .willReturn(json(ticketsPage(null, 5))));
    server.stubFor(tickets().atPriority(5)
        .withQueryParam("since", equalTo("2024-03-05T10:00:00Z"))
        .willReturn(json(ticketsPage(null, 5))));
    server.stubFor(tickets().atPriority(1).withQueryParam("cursor", equalTo("loop"))
        .willReturn(json(ticketsPage("loop", 7))));
  }

  /** Ticket 6 appears: changed after the first sync. */
  void addTicketSix() {
    server.stubFor(tickets().atPriority(2)
        .withQueryParam("since", equalTo("2024-03-05T10:00:00Z"))
        .willReturn(json(ticketsPage(null, 5, 6))));
  }

  static ObjectNode user(int id) {
    ObjectNode user = Json.object();
    user.put("id", id);
    user.put("login", "user" + id);
    user.put("modified", String.format("2024-05-%02dT08:30:00+02:00", id));
    user.put("admin", id == 1);
    if (id % 2 == 0) {
      user.put("score", id * 10);
    } else {
      user.putNull("score");
    }
    return user;
  }

  private void stubUsers() {
    server.stubFor(get(urlPathEqualTo("/users")).atPriority(10)
        .willReturn(aResponse().withStatus(403).withBody("{\"message\":\"bad key\"}")));
    for (int page = 1; page <= 3; page++) {
      ArrayNode users = Json.array();
      for (int id = page * 2 - 1; id <= Math.min(5, page * 2); id++) {
        users.add(user(id));
      }
      String link = page < 3
          ? "<" + url() + "/users?page=" + (page + 1) + "&per_page=2>; rel=\"next\", <" + url()
              + "/users?page=3&per_page=2>; rel=\"last\""
          : "<" + url() + "/users?page=2&per_page=2>; rel=\"prev\"";
      server.stubFor(get(urlPathEqualTo("/users")).atPriority(5)
          .withQueryParam("api_key", equalTo(API_KEY))
          .withQueryParam("per_page", equalTo("2"))
          .withQueryParam("page", page == 1 ? absent() : equalTo(Integer.toString(page)))
          .willReturn(json(Json.write(users)).withHeader("Link", link)));
    }
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
    return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
  }

  /** A config of tap-rest for the helpdesk: cursor paging, declared schema, since=bookmark. */
  ObjectNode helpdeskConfig() {
    ObjectNode config = Json.object();
    config.put("api_url", url() + "/api/v2");
    config.put("auth_type", "bearer");
    config.put("token", TOKEN);
    config.put("retry_backoff", 0.01);
    ArrayNode streams = config.putArray("streams");
    ObjectNode tickets = streams.addObject();
    tickets.put("name", "tickets");
    tickets.put("path", "/tickets");
    tickets.put("records_path", "/tickets");
    tickets.putArray("primary_keys").add("id");
    tickets.put("replication_key", "updated_at");
    tickets.put("replication_param", "since");
    ObjectNode paginator = tickets.putObject("paginator");
    paginator.put("type", "cursor");
    paginator.put("cursor_path", "/meta/next_cursor");
    paginator.put("cursor_param", "cursor");
    tickets.set("schema", Json.parse("""
        {"type": "object", "properties": {
          "id": {"type": "integer"},
          "subject": {"type": ["null", "string"]},
          "updated_at": {"type": "string", "format": "date-time"},
          "priority": {"type": ["null", "number"]},
          "requester": {"type": ["null", "object"], "properties": {"email": {"type": ["null", "string"]}}}}}"""));
    return config;
  }

  /** A config of tap-rest for the directory: Link header paging, inferred schema, API key in query. */
  ObjectNode directoryConfig() {
    ObjectNode config = Json.object();
    config.put("api_url", url());
    config.put("auth_type", "api-key");
    config.put("api_key", API_KEY);
    config.put("api_key_name", "api_key");
    config.put("api_key_location", "query");
    config.put("retry_backoff", 0.01);
    ArrayNode streams = config.putArray("streams");
    ObjectNode users = streams.addObject();
    users.put("name", "users");
    users.put("path", "users");
    users.putObject("params").put("per_page", "2");
    users.putArray("primary_keys").add("id");
    users.put("replication_key", "modified");
    users.putObject("paginator").put("type", "link-header");
    return config;
  }

  @Override
  public void close() {
    server.stop();
  }
}
