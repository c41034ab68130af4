package dev.tapline.tap.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.schema.MessageSchemas;
import dev.tapline.spec.schema.RecordValidator;
import dev.tapline.tap.contract.TapRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tap-rest against two differently shaped APIs, each configured only by JSON. */
class RestTapTest {

  @TempDir Path directory;
  private final FakeApis apis = new FakeApis();

  @AfterEach
  void stop() {
    apis.close();
  }

  private TapRun run(ObjectNode config, JsonNode state, String... extra) throws IOException {
    Path configFile = directory.resolve("config.json");
    Files.writeString(configFile, Json.write(config));
    List<String> args = new ArrayList<>(List.of("--config", configFile.toString()));
    if (state != null) {
      Path stateFile = directory.resolve("state.json");
      Files.writeString(stateFile, Json.write(state));
      args.add("--state");
      args.add(stateFile.toString());
    }
    args.addAll(List.of(extra));
    return TapRun.run(new RestTap(), args.toArray(String[]::new));
  }

  private static List<Integer> ids(List<ObjectNode> records) {
    List<Integer> ids = new ArrayList<>();
    records.forEach(record -> ids.add(record.path("id").intValue()));
    return ids;
  }

  private static void assertValid(TapRun run) {
    RecordValidator validator = null;
    for (JsonNode message : run.messages()) {
      assertTrue(MessageSchemas.get().validate(message).isEmpty(), message.toString());
      if (message.path("type").asText().equals("SCHEMA")) {
        validator = RecordValidator.compile((ObjectNode) message.get("schema"));
      } else if (message.path("type").asText().equals("RECORD")) {
        List<String> problems = validator.validate(message.get("record"));
        assertTrue(problems.isEmpty(), message + ": " + problems);
      }
    }
  }

  @Test
  void aCursorInTheBodyIsFollowedAndTheBookmarkGoesBackAsAQueryParameter() throws IOException {
    TapRun first = run(apis.helpdeskConfig(), null);
    assertEquals(0, first.exitCode(), first.describe());
    assertValid(first);
    assertEquals(List.of(1, 2, 3, 4, 5), ids(first.records("tickets")));
    assertEquals("1.50", first.records("tickets").get(0).get("priority").decimalValue().toPlainString(),
        "a decimal lost its digits");
    JsonNode bookmark = first.lastState().path("bookmarks").path("tickets");
    assertEquals("2024-03-05T10:00:00Z", bookmark.path("replication_key_value").asText());

    apis.addTicketSix();
    TapRun second = run(apis.helpdeskConfig(), first.lastState());
    assertEquals(0, second.exitCode(), second.describe());
    assertEquals(List.of(5, 6), ids(second.records("tickets")));
    apis.server.verify(1, getRequestedFor(urlPathEqualTo("/api/v2/tickets"))
        .withQueryParam("since", equalTo("2024-03-05T10:00:00Z")));
    assertEquals("2024-03-06T10:00:00Z",
        second.lastState().path("bookmarks").path("tickets").path("replication_key_value").asText());
    assertFalse(first.stderr().contains(FakeApis.TOKEN) || second.stderr().contains(FakeApis.TOKEN));
  }

  @Test
  void pagesLinkedByTheLinkHeaderWithAnInferredSchemaAndAClientSideBookmark() throws IOException {
    TapRun first = run(apis.directoryConfig(), null);
    assertEquals(0, first.exitCode(), first.describe());
    assertValid(first);
    assertEquals(List.of(1, 2, 3, 4, 5), ids(first.records("users")));
    JsonNode schema = first.schemas("users").get(0).path("schema").path("properties");
    assertEquals("date-time", schema.path("modified").path("format").asText(), schema.toString());
    assertEquals("integer", schema.path("id").path("type").asText(), "a key property is nullable");
    assertEquals(Json.parse("[\"null\", \"integer\"]"), schema.path("score").path("type"));
    assertEquals(Json.parse("[\"null\", \"boolean\"]"), schema.path("admin").path("type"));
    assertFalse(first.stderr().contains(FakeApis.API_KEY), "the API key reached stderr");
    assertEquals("2024-05-05T08:30:00+02:00",
        first.lastState().path("bookmarks").path("users").path("replication_key_value").asText());

    TapRun second = run(apis.directoryConfig(), first.lastState());
    assertEquals(0, second.exitCode(), second.describe());
    assertEquals(List.of(5), ids(second.records("users")));
  }

  @Test
  void discoveryNamesTheDeclaredStreamsWithTheirKeys() throws IOException {
    TapRun run = run(apis.directoryConfig(), null, "--discover");
    assertEquals(0, run.exitCode(), run.describe());
    JsonNode stream = Json.parse(run.stdout()).path("streams").get(0);
    assertEquals("users", stream.path("stream").asText());
    assertEquals(Json.parse("[\"id\"]"), stream.path("key_properties"));
  }

  @Test
  void aPaginatorThatRepeatsItsTokenStopsTheSyncWithAnError() throws IOException {
    ObjectNode config = apis.helpdeskConfig();
    ObjectNode stream = (ObjectNode) config.path("streams").get(0);
    stream.remove("replication_key");
    stream.remove("replication_param");
    stream.putObject("params").put("cursor", "loop");
    TapRun run = run(config, null);
    assertEquals(1, run.exitCode(), run.describe());
    assertTrue(run.stderr().contains("a second time"), run.stderr());
  }

  @Test
  void aWrongTokenFailsAtOnceNamingWhatToCheck() throws IOException {
    ObjectNode config = apis.helpdeskConfig();
    config.put("token", "not-the-token");
    TapRun run = run(config, null);
    assertEquals(1, run.exitCode(), run.describe());
    assertTrue(run.stderr().contains("401") && run.stderr().contains("Check the credentials"), run.stderr());
    apis.server.verify(1, getRequestedFor(urlPathEqualTo("/api/v2/tickets")));
  }

  @Test
  void aBadStreamDeclarationIsAConfigurationError() throws IOException {
    ObjectNode config = apis.helpdeskConfig();
    ObjectNode stream = (ObjectNode) config.path("streams").get(0);
    stream.putObject("paginator").put("type", "sideways");
    stream.put("replication_key", "no_such_property");
    TapRun run = run(config, null);
    assertEquals(2, run.exitCode(), run.describe());
    assertTrue(run.stderr().contains("sideways"), run.stderr());
  }

  @Test
  void bearerAuthWithoutATokenIsAConfigurationError() throws IOException {
    ObjectNode config = apis.helpdeskConfig();
    config.remove("token");
    TapRun run = run(config, null);
    assertEquals(2, run.exitCode(), run.describe());
    assertTrue(run.stderr().contains("'token'"), run.stderr());
  }
}
