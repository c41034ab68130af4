package dev.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapline.spec.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tapline map} as a filter: messages on stdin, mapped messages on stdout. */
class MapCommandTest {

  @TempDir Path folder;

  private static final String SCHEMA = "{\"type\": \"SCHEMA\", \"stream\": \"customers\", \"key_properties\": [\"id\"],"
      + " \"bookmark_properties\": [\"updated_at\"], \"schema\": {\"type\": \"object\", \"required\": [\"id\", \"email\"],"
      + " \"properties\": {\"id\": {\"type\": \"integer\"}, \"email\": {\"type\": \"string\", \"format\": \"email\"},"
      + " \"notes\": {\"type\": [\"string\", \"null\"]}, \"phone\": {\"type\": [\"string\", \"null\"]},"
      + " \"balance\": {\"type\": \"number\"}, \"updated_at\": {\"type\": \"string\", \"format\": \"date-time\"}}}}";

  private static String customer(int id, String email, String balance) {
    return "{\"type\": \"RECORD\", \"stream\": \"customers\", \"record\": {\"id\": " + id + ", \"email\": \"" + email
        + "\", \"notes\": \"likes cats\", \"phone\": \"+44 20 7946 0018\", \"balance\": " + balance
        + ", \"updated_at\": \"2024-01-0" + id + "T00:00:00Z\"}}";
  }

  private Path config(String json) throws IOException {
    return Files.writeString(folder.resolve("map.json"), json, StandardCharsets.UTF_8);
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<JsonNode> messages(String out) {
    return out.lines().filter(line -> !line.isBlank()).map(Json::parse).toList();
  }

  @Test
  void hashesDropsMasksFiltersRenamesAndAddsWithTheSchemaRewrittenToMatch() throws Exception {
    Path config = config("""
        {"hash_salt": "pepper",
         "streams": {"customers": {
           "rename": "clients",
           "filter": "record.balance > 10",
           "properties": {"email": "hash", "notes": "drop", "phone": {"mask": {"keep_last": 4}},
                          "id": {"rename": "customer_id"}},
           "add": {"email_domain": {"expression": "record.email.substring(record.email.indexOf('@') + 1)"},
                   "balance_cents": {"expression": "record.balance * 100", "schema": {"type": "number"}}}}}}
        """);
    String input = String.join("\n", SCHEMA, customer(1, "ada@example.org", "12.50"), customer(2, "bob@example.com", "3.10"),
        "{\"type\": \"STATE\", \"value\": {\"bookmarks\": {\"customers\": {\"updated_at\": \"2024-01-02T00:00:00Z\"}}}}",
        "{\"type\": \"RECORD\", \"stream\": \"orders\", \"record\": {\"id\": 7}}");

    Cli.Result result = new Cli().standardInput(input).execute("map", "--config", config.toString());

    assertEquals(0, result.exitCode(), result::toString);
    List<JsonNode> out = messages(result.out());
    assertEquals(4, out.size(), result::toString);
    JsonNode schema = out.get(0);
    assertEquals("clients", schema.path("stream").asText());
    assertEquals(Json.parse("[\"customer_id\"]"), schema.path("key_properties"), "the key follows its rename");
    assertEquals(Json.parse("[\"updated_at\"]"), schema.path("bookmark_properties"));
    JsonNode properties = schema.path("schema").path("properties");
    assertEquals(Json.parse("{\"type\": \"string\"}"), properties.path("email"), "a hash is a string; no email format");
    assertFalse(properties.has("notes"));
    assertFalse(properties.has("id"));
    assertEquals(Json.parse("{\"type\": \"integer\"}"), properties.path("customer_id"));
    assertEquals(Json.parse("{\"type\": [\"string\", \"null\"]}"), properties.path("phone"));
    assertEquals(Json.parse("{\"type\": [\"string\", \"null\"]}"), properties.path("email_domain"));
    assertEquals(Json.parse("[\"customer_id\", \"email\"]"), schema.path("schema").path("required"));

    JsonNode record = out.get(1);
    assertEquals("clients", record.path("stream").asText());
    JsonNode ada = record.path("record");
    assertEquals(1, ada.path("customer_id").asInt());
    assertEquals(sha256("pepperada@example.org"), ada.path("email").asText());
    assertFalse(ada.has("notes"));
    assertFalse(ada.has("id"));
    assertEquals("************0018", ada.path("phone").asText());
    assertEquals("example.org", ada.path("email_domain").asText());
    assertEquals(0, new BigDecimal("1250").compareTo(ada.path("balance_cents").decimalValue()), ada::toString);
    assertEquals(new BigDecimal("12.50"), ada.path("balance").decimalValue(), "other values pass exactly");

    assertEquals("STATE", out.get(2).path("type").asText(), "bob (balance 3.10) was filtered out");
    assertEquals(Json.parse("{\"bookmarks\": {\"customers\": {\"updated_at\": \"2024-01-02T00:00:00Z\"}}}"),
        out.get(2).path("value"), "states keep the tap's stream names");
    assertEquals("orders", out.get(3).path("stream").asText(), "unmapped streams pass through");
    assertTrue(result.err().contains("METRIC: {\"type\":\"counter\",\"metric\":\"record_count\",\"value\":1,\"tags\":{\"stream\":\"clients\"}}"),
        result::toString);
    assertTrue(result.err().contains("\"metric\":\"byte_count\""), result::toString);
  }

  @Test
  void compactRecordsTakeTheFastPathAndComeOutAsTheSlowPathMapsThem() throws IOException {
    Path config = config("""
        {"hash_salt": "pepper",
         "streams": {"customers": {
           "rename": "clients",
           "filter": "record.balance > 10 && record.phone != null",
           "properties": {"email": "hash", "notes": "drop", "phone": {"mask": {"keep_last": 4}},
                          "id": {"rename": "customer_id"}, "balance": "hash"},
           "add": {"email_domain": {"expression": "record.email.substring(record.email.indexOf('@') + 1)"},
                   "source": "'crm'"}}}}
        """);
    List<String> records = List.of(customer(1, "ada@example.org", "12.50"), customer(2, "bob@example.com", "3.10"),
        customer(3, "c\\u00e9line@example.fr", "1e3"), "{\"type\": \"RECORD\", \"stream\": \"orders\", \"record\": {\"id\": 7, \"x\": [1, {\"y\": \"z\"}]}}");
    String spaced = String.join("\n", records);
    String compact = records.stream().map(line -> Json.write(Json.parse(line))).reduce((a, b) -> a + "\n" + b).orElseThrow();
    assertTrue(compact.startsWith("{\"type\":\"RECORD\",\"stream\":\"customers\",\"record\":{"), compact);

    Cli.Result slow = new Cli().standardInput(SCHEMA + "\n" + spaced).execute("map", "--config", config.toString());
    Cli.Result fast = new Cli().standardInput(SCHEMA + "\n" + compact).execute("map", "--config", config.toString());

    assertEquals(0, slow.exitCode(), slow::toString);
    assertEquals(0, fast.exitCode(), fast::toString);
    assertEquals(messages(slow.out()), messages(fast.out()));
    assertEquals(4, messages(fast.out()).size(), "schema, ada, celine, the order: " + fast);
    assertEquals("c\u00e9line@example.fr".substring(0, 0) + "example.fr", messages(fast.out()).get(2).path("record").path("email_domain").asText());
    assertEquals(Json.parse("[1, {\"y\": \"z\"}]"), messages(fast.out()).get(3).path("record").path("x"));
    assertEquals("crm", messages(fast.out()).get(1).path("record").path("source").asText(), "a computed constant");
  }

  @Test
  void aComputedPropertyWithoutFilterIsAddedToCompactRecords() throws IOException {
    Path config = config("{\"streams\": {\"orders\": {\"add\": {\"source\": \"'crm'\"}}}}");

    Cli.Result result = new Cli().standardInput("{\"type\":\"RECORD\",\"stream\":\"orders\",\"record\":{\"id\":21}}")
        .execute("map", "--config", config.toString());

    assertEquals(0, result.exitCode(), result::toString);
    assertEquals(Json.parse("{\"id\": 21, \"source\": \"crm\"}"), messages(result.out()).get(0).path("record"));
  }

  @Test
  void droppingAKeyPropertyIsAConfigurationError() throws IOException {
    Path config = config("{\"streams\": {\"customers\": {\"properties\": {\"id\": \"drop\"}}}}");

    Cli.Result result = new Cli().standardInput(SCHEMA).execute("map", "--config", config.toString());

    assertEquals(2, result.exitCode(), result::toString);
    assertTrue(result.err().contains("\"id\" is a key property of stream customers and cannot be dropped"), result::toString);
  }

  @Test
  void everyConfigProblemIsReportedAtOnce() throws IOException {
    Path config = config("""
        {"streams": {"customers": {"properties": {"email": "hash", "notes": "shred"},
                                   "filter": "record.balance >",
                                   "colour": "blue"}}}
        """);

    Cli.Result result = new Cli().standardInput(SCHEMA).execute("map", "--config", config.toString());

    assertEquals(2, result.exitCode(), result::toString);
    assertTrue(result.err().contains("streams.customers.colour: unknown key"), result::toString);
    assertTrue(result.err().contains("streams.customers.properties.notes: \"shred\" is not drop, hash or mask"), result::toString);
    assertTrue(result.err().contains("hash_salt: needed when a property is hashed"), result::toString);
  }

  @Test
  void anExpressionThatCannotBeParsedIsReportedWithItsPath() throws IOException {
    Path config = config("{\"streams\": {\"customers\": {\"filter\": \"record.balance >\"}}}");

    Cli.Result result = new Cli().standardInput(SCHEMA).execute("map", "--config", config.toString());

    assertEquals(2, result.exitCode(), result::toString);
    assertTrue(result.err().contains("streams.customers.filter"), result::toString);
  }

  @Test
  void expressionsCannotReachTheSystem() throws IOException {
    Path config = config("""
        {"streams": {"customers": {"add": {"x": "''.getClass().forName('java.lang.Runtime').getRuntime().exec('touch pwned')"}}}}
        """);

    Cli.Result result = new Cli().standardInput(String.join("\n", SCHEMA, customer(1, "a@b.c", "1")))
        .execute("map", "--config", config.toString());

    assertFalse(Files.exists(Path.of("pwned")), result::toString);
    assertTrue(result.exitCode() != 0 || messages(result.out()).get(1).path("record").path("x").isNull(), result::toString);
  }
}
