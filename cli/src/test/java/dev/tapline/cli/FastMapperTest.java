package dev.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapline.spec.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The byte-level path of {@code tapline map} against the path through message trees: the same
 * records, written compactly (the fast path takes them) and with spaces (the slow path takes
 * them), must come out as the same messages.
 */
class FastMapperTest {

  private static final String SALT = "pepper";

  /** A mapping of every kind on the people stream, with a filter. */
  private static final String PEOPLE = """
      {"hash_salt": "pepper",
       "streams": {"people": {
         "filter": "record.age == null || record.age >= 18",
         "properties": {"email": "hash", "notes": "drop", "phone": {"mask": {"keep_last": 2}},
                        "id": {"rename": "person_id"}, "score": "hash", "tags": "hash"}}}}
      """;

  @TempDir Path folder;

  private Path config(String json) throws IOException {
    return Files.writeString(folder.resolve("map.json"), json, StandardCharsets.UTF_8);
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<JsonNode> messages(String out) {
    return out.lines().filter(line -> !line.isBlank()).map(Json::parse).toList();
  }

  /** The line as the slow path must take it: spaces after the type and stream keys. */
  private static String spaced(String compactLine) {
    assertTrue(compactLine.startsWith("{\"type\":\"RECORD\",\"stream\":"), compactLine);
    return compactLine.replace("{\"type\":\"RECORD\",\"stream\":", "{\"type\": \"RECORD\", \"stream\": ");
  }

  private Cli.Result map(Path config, List<String> lines) {
    return new Cli().standardInput(String.join("\n", lines) + "\n").execute("map", "--config", config.toString());
  }

  /** Runs both paths over the records and checks that they agree; returns the fast path's result. */
  private Cli.Result bothPathsAgree(Path config, List<String> compactRecords) {
    Cli.Result fast = map(config, compactRecords);
    Cli.Result slow = map(config, compactRecords.stream().map(FastMapperTest::spaced).toList());
    assertEquals(0, fast.exitCode(), fast::toString);
    assertEquals(0, slow.exitCode(), slow::toString);
    assertEquals(messages(slow.out()), messages(fast.out()), "fast: " + fast + "\nslow: " + slow);
    return fast;
  }

  @Test
  void escapesNullsNestedValuesNumbersAndBlanksComeOutAsTheSlowPathMapsThem() throws Exception {
    Path config = config(PEOPLE);
    List<String> records = List.of(
        // plain
        "{\"type\":\"RECORD\",\"stream\":\"people\",\"record\":{\"id\":1,\"email\":\"ada@example.org\",\"age\":36,\"notes\":\"x\"}}",
        // a hashed null stays null; a masked null too
        "{\"type\":\"RECORD\",\"stream\":\"people\",\"record\":{\"id\":2,\"email\":null,\"phone\":null,\"age\":40}}",
        // escapes in a hashed value, in a kept value and in a name the mapping knows (\u0065 is e)
        "{\"type\":\"RECORD\",\"stream\":\"people\",\"record\":{\"id\":3,\"\\u0065mail\":\"c\\u00e9line@example.fr\",\"bio\":\"said \\\"hi\\\"\",\"age\":19}}",
        // a number and an array hashed as their text; nested values copied; blanks inside the record
        "{\"type\":\"RECORD\",\"stream\":\"people\",\"record\":{ \"id\" : 4 , \"score\": 12.50, \"tags\": [\"a\", {\"b\": 1}],"
            + " \"address\": {\"city\": \"Oslo\", \"lines\": [\"1\", \"2\"]}, \"age\": 65 }}",
        // filtered out: the hashes of a dropped record must not reach the next one
        "{\"type\":\"RECORD\",\"stream\":\"people\",\"record\":{\"id\":5,\"email\":\"kid@example.org\",\"age\":9}}",
        // every property acted on: no untouched run, dropped first and last
        "{\"type\":\"RECORD\",\"stream\":\"people\",\"record\":{\"notes\":\"a\",\"email\":\"b@example.org\",\"notes\":\"c\"}}",
        // an empty record and a record with only dropped properties
        "{\"type\":\"RECORD\",\"stream\":\"people\",\"record\":{}}",
        "{\"type\":\"RECORD\",\"stream\":\"people\",\"record\":{\"notes\":\"only\"}}",
        // the rest of the line after the record is kept
        "{\"type\":\"RECORD\",\"stream\":\"people\",\"record\":{\"id\":9,\"age\":30},\"version\":7,\"time_extracted\":\"2024-01-01T00:00:00Z\"}");

    Cli.Result result = bothPathsAgree(config, records);

    List<JsonNode> out = messages(result.out());
    assertEquals(8, out.size(), "one record filtered out: " + result);
    JsonNode ada = out.get(0).path("record");
    assertEquals(sha256(SALT + "ada@example.org"), ada.path("email").asText());
    assertEquals(1, ada.path("person_id").asInt());
    assertFalse(ada.has("notes"));
    assertTrue(out.get(1).path("record").path("email").isNull(), result::toString);
    assertTrue(out.get(1).path("record").path("phone").isNull(), result::toString);
    assertEquals(sha256(SALT + "c\u00e9line@example.fr"), out.get(2).path("record").path("email").asText());
    assertEquals("said \"hi\"", out.get(2).path("record").path("bio").asText());
    JsonNode fourth = out.get(3).path("record");
    assertEquals(sha256(SALT + "12.50"), fourth.path("score").asText(), "a number is hashed as its plain digits");
    assertEquals(sha256(SALT + "[\"a\",{\"b\":1}]"), fourth.path("tags").asText(), "an array as its compact JSON");
    assertEquals(Json.parse("{\"city\": \"Oslo\", \"lines\": [\"1\", \"2\"]}"), fourth.path("address"));
    for (JsonNode message : out) {
      assertFalse(message.path("record").path("email").asText().equals(sha256(SALT + "kid@example.org")), result::toString);
    }
    assertEquals(7, out.get(7).path("version").asLong(), result::toString);
  }

  @Test
  void aFilterOverManyDistinctValuesKeepsDecidingEachRecord() throws Exception {
    Path config = config("""
        {"streams": {"events": {"filter": "record.n % 3 != 0 && record.kind != 'noise'"}}}
        """);
    List<String> records = new ArrayList<>();
    for (int n = 0; n < 25_000; n++) {
      // past the trial of the verdict cache: most values are new, so it turns itself off
      String kind = n % 7 == 0 ? "\"noise\"" : n % 11 == 0 ? "null" : "\"signal\"";
      String body = n % 13 == 0 ? "{\"n\":" + n + "}" : "{\"n\":" + n + ",\"kind\":" + kind + "}";
      records.add("{\"type\":\"RECORD\",\"stream\":\"events\",\"record\":" + body + "}");
    }

    Cli.Result result = map(config, records);

    assertEquals(0, result.exitCode(), result::toString);
    List<JsonNode> out = messages(result.out());
    long expected = 0;
    for (int n = 0; n < 25_000; n++) {
      boolean noise = n % 13 != 0 && n % 7 == 0;
      if (n % 3 != 0 && !noise) {
        expected++;
      }
    }
    assertEquals(expected, out.size());
    for (JsonNode message : out) {
      long n = message.path("record").path("n").asLong();
      assertTrue(n % 3 != 0 && !"noise".equals(message.path("record").path("kind").asText()), message::toString);
    }
  }

  @Test
  void aFilterOverFewValuesDecidesByValueAndTellsEqualBytesFromEqualMeanings() throws Exception {
    Path config = config("""
        {"streams": {"orders": {"filter": "record.status != 'refunded' && record.region != 'x'"}}}
        """);
    List<String> records = new ArrayList<>();
    String[] statuses = {"\"paid\"", "\"refunded\"", "\"ref\\u0075nded\"", "null", "1", "\"pending\""};
    for (int n = 0; n < 3_000; n++) {
      String status = statuses[n % statuses.length];
      String region = n % 5 == 0 ? ",\"region\":\"x\"" : n % 5 == 1 ? ",\"region\":null" : "";
      records.add("{\"type\":\"RECORD\",\"stream\":\"orders\",\"record\":{\"n\":" + n + ",\"status\":" + status + region + "}}");
    }

    Cli.Result result = bothPathsAgree(config, records);

    for (JsonNode message : messages(result.out())) {
      JsonNode record = message.path("record");
      assertFalse("refunded".equals(record.path("status").asText()), message::toString);
      assertFalse("x".equals(record.path("region").asText()), message::toString);
    }
    int kept = 0;
    for (int n = 0; n < 3_000; n++) {
      int status = n % statuses.length;
      if (status != 1 && status != 2 && n % 5 != 0) {
        kept++;
      }
    }
    assertEquals(kept, messages(result.out()).size(), result::toString);
  }

  @Test
  void linesKeepTheirOrderAcrossBothPathsAndBlocksOfOutput() throws Exception {
    Path config = config("""
        {"hash_salt": "pepper", "streams": {"orders": {"rename": "sales", "properties": {"customer": "hash"}}}}
        """);
    List<String> lines = new ArrayList<>();
    String padding = "p".repeat(300);
    for (int n = 0; n < 2_000; n++) {
      if (n % 500 == 0) {
        lines.add("{\"type\": \"SCHEMA\", \"stream\": \"orders\", \"schema\": {\"type\": \"object\", \"properties\":"
            + " {\"id\": {\"type\": \"integer\"}, \"customer\": {\"type\": \"string\"}}}, \"key_properties\": [\"id\"]}");
      }
      lines.add("{\"type\":\"RECORD\",\"stream\":\"orders\",\"record\":{\"id\":" + n + ",\"customer\":\"c" + n
          + "\",\"padding\":\"" + padding + "\"}}");
      lines.add("{\"type\":\"RECORD\",\"stream\":\"other\",\"record\":{\"id\":" + n + "}}");
      if (n % 300 == 0) {
        lines.add("{\"type\":\"STATE\",\"value\":{\"at\":" + n + "}}");
      }
    }
    // one record larger than the output block
    lines.add("{\"type\":\"RECORD\",\"stream\":\"orders\",\"record\":{\"id\":-1,\"customer\":\"big\",\"padding\":\""
        + "q".repeat(300_000) + "\"}}");

    Cli.Result result = map(config, lines);

    assertEquals(0, result.exitCode(), result::toString);
    List<JsonNode> out = messages(result.out());
    assertEquals(lines.size(), out.size());
    for (int index = 0; index < lines.size(); index++) {
      JsonNode in = Json.parse(lines.get(index));
      JsonNode mapped = out.get(index);
      assertEquals(in.path("type").asText(), mapped.path("type").asText(), "line " + (index + 1));
      if (in.path("stream").asText().equals("orders")) {
        assertEquals("sales", mapped.path("stream").asText(), "line " + (index + 1));
      }
      if (in.path("type").asText().equals("RECORD") && in.path("stream").asText().equals("orders")) {
        assertEquals(in.path("record").path("id"), mapped.path("record").path("id"), "line " + (index + 1));
        assertEquals(sha256(SALT + in.path("record").path("customer").asText()),
            mapped.path("record").path("customer").asText(), "line " + (index + 1));
        assertEquals(in.path("record").path("padding"), mapped.path("record").path("padding"), "line " + (index + 1));
      }
      if (in.path("type").asText().equals("STATE")) {
        assertEquals(in.path("value"), mapped.path("value"), "line " + (index + 1));
      }
    }
    assertTrue(result.err().contains("\"metric\":\"record_count\",\"value\":2001,\"tags\":{\"stream\":\"sales\"}"), result.err());
    assertTrue(result.err().contains("\"metric\":\"record_count\",\"value\":2000,\"tags\":{\"stream\":\"other\"}"), result.err());
  }

  @Test
  void aMalformedRecordIsReportedWithItsLineNumber() throws IOException {
    Path config = config("{\"streams\": {\"orders\": {\"properties\": {\"id\": {\"rename\": \"order_id\"}}}}}");

    Cli.Result result = map(config, List.of(
        "{\"type\":\"RECORD\",\"stream\":\"orders\",\"record\":{\"id\":1}}",
        "{\"type\":\"RECORD\",\"stream\":\"orders\",\"record\":{\"id\":2,\"name\":\"unterminated}}"));

    assertEquals(1, result.exitCode(), result::toString);
    assertTrue(result.err().contains("ERROR") && result.err().toLowerCase().contains("line 2"), result::toString);
    assertEquals(1, messages(result.out()).size(), "the record before the bad line was written: " + result);
  }

  @Test
  void aYamlConfigAndAJsonConfigMapAlike() throws Exception {
    Path json = config("{\"hash_salt\": \"pepper\", \"streams\": {\"orders\": {\"properties\": {\"email\": \"hash\"}}}}");
    Path yaml = Files.writeString(folder.resolve("map.yml"),
        "hash_salt: pepper\nstreams:\n  orders: {properties: {email: hash}}\n", StandardCharsets.UTF_8);
    Path flow = Files.writeString(folder.resolve("flow.yml"),
        "{hash_salt: pepper, streams: {orders: {properties: {email: hash}}}}\n", StandardCharsets.UTF_8);
    String record = "{\"type\":\"RECORD\",\"stream\":\"orders\",\"record\":{\"email\":\"a@b.c\"}}";

    for (Path config : List.of(json, yaml, flow)) {
      Cli.Result result = map(config, List.of(record));
      assertEquals(0, result.exitCode(), result::toString);
      assertEquals(sha256(SALT + "a@b.c"), messages(result.out()).get(0).path("record").path("email").asText(), config::toString);
    }
  }

  @Test
  void aFailingExpressionEndsTheRunWithoutAHalfWrittenLine() throws Exception {
    Path config = config("""
        {"hash_salt": "pepper", "streams": {"people": {"properties": {"email": "hash"},
          "add": {"initials": "record.name.substring(0, 2)"}}}}
        """);

    Cli.Result result = map(config, List.of(
        "{\"type\":\"RECORD\",\"stream\":\"people\",\"record\":{\"email\":\"a@b.c\",\"name\":\"Ada\"}}",
        "{\"type\":\"RECORD\",\"stream\":\"people\",\"record\":{\"email\":\"b@b.c\",\"name\":\"B\"}}"));

    assertEquals(1, result.exitCode(), result::toString);
    assertTrue(result.err().contains("Line 2, stream people: the add.initials expression failed"), result::toString);
    List<JsonNode> out = messages(result.out());
    assertEquals(1, out.size(), "the record before the failure, whole: " + result);
    assertEquals("Ad", out.get(0).path("record").path("initials").asText());
    assertEquals(sha256(SALT + "a@b.c"), out.get(0).path("record").path("email").asText());
  }

  /** Generated records (seeded) through both paths: names, escapes, numbers, nesting, nulls, spacing. */
  @Test
  void generatedRecordsComeOutAsTheSlowPathMapsThem() throws Exception {
    Path config = config(PEOPLE);
    String[] names = {"id", "email", "notes", "phone", "score", "tags", "age", "bio", "caf\u00e9", "a b", "e\"q"};
    String[] texts = {"", "x", "caf\u00e9", "quote \" back\\ slash", "tab\tnl\n", "\uD83D\uDE80 rocket",
        "+44 20 7946 0958", "\u0000", "</script>", "1e3"};
    java.util.Random random = new java.util.Random(20261121);
    for (int round = 0; round < 20; round++) {
      List<String> records = new ArrayList<>();
      for (int r = 0; r < 60; r++) {
        com.fasterxml.jackson.databind.node.ObjectNode record = Json.object();
        int size = random.nextInt(8);
        for (int f = 0; f < size; f++) {
          String name = names[random.nextInt(names.length)];
          if (name.equals("age")) {
            // the filter compares it with a number: anything else fails the run on both paths
            if (random.nextBoolean()) {
              record.put(name, random.nextInt(40));
            } else {
              record.putNull(name);
            }
            continue;
          }
          switch (random.nextInt(8)) {
            case 0 -> record.putNull(name);
            case 1 -> record.put(name, random.nextInt(60) - 10);
            case 2 -> record.put(name, new java.math.BigDecimal(random.nextInt(100_000)).movePointLeft(random.nextInt(4)));
            case 3 -> record.put(name, random.nextBoolean());
            case 4 -> record.putArray(name).add(texts[random.nextInt(texts.length)]).add(random.nextLong());
            case 5 -> record.putObject(name).put("inner", texts[random.nextInt(texts.length)]).putNull("n");
            default -> record.put(name, texts[random.nextInt(texts.length)]);
          }
        }
        String json = Json.write(record);
        if (random.nextInt(4) == 0) {
          // blanks between the record's tokens (none of the texts above holds a quote before a colon)
          json = json.replace(",\"", ", \"").replace("\":", "\" : ");
        }
        records.add("{\"type\":\"RECORD\",\"stream\":\"people\",\"record\":" + json + "}");
      }
      bothPathsAgree(config, records);
    }
  }
}
