package dev.tapline.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lazily read JSON must read as Jackson reads it and be written out unchanged or as changed. */
class LazyJsonTest {

  private static final Instant EXTRACTED = Instant.parse("2024-02-03T04:05:06Z");

  private static final String DOCUMENT = """
      {"object": "list", "data": [
        {"id": "ch_1", "amount": 1099, "big": 123456789012345678901234567890,
         "long": -9007199254740993, "price": 12.50, "exponent": 1.5E+3, "zero": -0,
         "text": "caf\u00e9 \\"quoted\\" back\\\\slash \\u00e9\\ud83d\\ude80 tab\\t", "emoji": "\uD83D\uDE80",
         "empty": "", "none": null, "yes": true, "no": false,
         "card": {"brand": "visa", "checks": {"cvc": "pass", "list": [1, [2, {}], [], "x"]}},
         "refunds": {"object": "list", "data": [{"id": "re_1", "created": 1700000000}]},
         "metadata": {}
        }
      ], "has_more": true, "url": "/v1/charges"}
      """;

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String recordLine(ObjectNode record) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (MessageOutput output = new MessageOutput(out)) {
      output.writeRecord("charges", record, EXTRACTED);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void readsWhatJacksonReads() throws Exception {
    JsonNode lazy = LazyJson.parse(bytes(DOCUMENT));
    JsonNode jackson = Json.mapper().readTree(DOCUMENT);
    assertTrue(lazy.equals(jackson), () -> Json.write(lazy));
    assertEquals(jackson, Json.mapper().readTree(Json.write(lazy)));
    JsonNode record = lazy.at("/data/0");
    assertTrue(record.get("amount").isInt());
    assertTrue(record.get("long").isLong());
    assertTrue(record.get("big").isBigInteger());
    assertEquals("12.50", record.get("price").decimalValue().toPlainString());
    assertEquals("café \"quoted\" back\\slash é\uD83D\uDE80 tab\t", record.get("text").textValue());
    assertEquals("\uD83D\uDE80", record.get("emoji").textValue());
    assertEquals(1700000000L, record.at("/refunds/data/0/created").longValue());
    assertTrue(LazyJson.parse(bytes(" 42 ")).isInt());
    assertEquals("x", LazyJson.parse(bytes("\"x\"")).textValue());
    assertTrue(LazyJson.parse(bytes("null")).isNull());
  }

  @Test
  void propertyNamesAreSharedAndEqualToLiterals() {
    JsonNode first = LazyJson.parse(bytes(DOCUMENT)).at("/data/0");
    JsonNode second = LazyJson.parse(bytes(DOCUMENT)).at("/data/0");
    String firstName = first.fieldNames().next();
    assertSame(firstName, second.fieldNames().next());
    assertSame("id", firstName);
  }

  @Test
  void anUnreadRecordIsWrittenAsItsBytesAndAChangedOneWithItsChanges() throws Exception {
    String compact = Json.write(Json.mapper().readTree(DOCUMENT));
    ObjectNode untouched = (ObjectNode) ((ArrayNode) LazyJson.parse(bytes(compact)).get("data")).get(0);
    String line = recordLine(untouched);
    String start = "{\"type\":\"RECORD\",\"stream\":\"charges\",\"record\":";
    assertTrue(line.startsWith(start + "{\"id\":\"ch_1\",\"amount\":1099,\"big\":123456789012345678901234567890,"), line);
    assertTrue(line.contains("\"exponent\":1500,\"zero\":0,"), line);
    assertEquals(Json.mapper().readTree(compact).at("/data/0"), Json.mapper().readTree(line).get("record"));

    ObjectNode changed = (ObjectNode) LazyJson.parse(bytes(DOCUMENT)).at("/data/0");
    changed.put("amount", 5);
    changed.set("refunds", changed.at("/refunds/data"));
    ((ObjectNode) changed.at("/refunds/0")).put("created", "2023-11-14T22:13:20Z");
    ((ObjectNode) changed.get("card")).remove("brand");
    changed.put("updated", 1700000001L);
    JsonNode expected = Json.mapper().readTree(DOCUMENT).at("/data/0").deepCopy();
    ((ObjectNode) expected).put("amount", 5);
    ((ObjectNode) expected).set("refunds", expected.at("/refunds/data"));
    ((ObjectNode) expected.at("/refunds/0")).put("created", "2023-11-14T22:13:20Z");
    ((ObjectNode) expected.get("card")).remove("brand");
    ((ObjectNode) expected).put("updated", 1700000001L);
    String changedLine = recordLine(changed);
    // compared as Jackson writes both (1.5E+3 and 1500 are the same number; long and int nodes differ)
    assertEquals(Json.write(expected), Json.write(Json.mapper().readTree(changedLine).get("record")));
    assertTrue(changedLine.contains("\"checks\":{\"cvc\":\"pass\",\"list\":[1,[2,{}],[],\"x\"]}"), changedLine);
  }

  @Test
  void prettyPrintedValuesAreWrittenOnOneLine() throws Exception {
    String pretty = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(Json.mapper().readTree(DOCUMENT))
        .replace("\n", "\r\n\t");
    ObjectNode record = (ObjectNode) LazyJson.parse(bytes(pretty)).at("/data/0");
    String untouchedLine = recordLine(record);
    assertEquals(1, untouchedLine.split("\n", -1).length - 1, untouchedLine);
    assertFalse(untouchedLine.contains(" \"") || untouchedLine.contains("\t"), untouchedLine);
    assertEquals(Json.mapper().readTree(pretty).at("/data/0"), Json.mapper().readTree(untouchedLine).get("record"));
    record.put("amount", 1);
    String line = recordLine(record);
    assertEquals(1, line.split("\n", -1).length - 1, line);
    assertTrue(line.contains("\"text\":\"café \\\"quoted\\\" back\\\\slash"), line);
  }

  @Test
  void whitespaceIsLeftOutBetweenTokensButNotInStringsAndOffsetsAreTheSenders() {
    ObjectNode record = (ObjectNode) LazyJson.parse(bytes(
        "  {\n \"a b\" : [ 1 ,\t\"x  y\" , { } ] ,\r\n \"c\":{ \"d\" : null } }  "));
    assertEquals("{\"type\":\"RECORD\",\"stream\":\"charges\",\"record\":{\"a b\":[1,\"x  y\",{}],"
        + "\"c\":{\"d\":null}},\"time_extracted\":\"2024-02-03T04:05:06Z\"}\n", recordLine(record));
    assertEquals(List.of("a b", "c"), List.copyOf(record.properties().stream().map(e -> e.getKey()).toList()));
    assertEquals("{\"type\":\"RECORD\",\"stream\":\"charges\",\"record\":{\"a b\":[1,\"x  y\",{}],"
        + "\"c\":{\"d\":null}},\"time_extracted\":\"2024-02-03T04:05:06Z\"}\n", recordLine(record));
    IllegalArgumentException problem = assertThrows(IllegalArgumentException.class,
        () -> LazyJson.parse(bytes("{\n  \"a\": 1,\n  \"b\" 2\n}")));
    assertEquals("Expected ':' (found '2') at byte 18", problem.getMessage());
    assertEquals(7, LazyJson.parse(bytes(" \n 7 \n")).intValue());
    assertEquals(8, LazyJson.parse(bytes("\uFEFF{\"a\": 8}")).get("a").intValue());
  }

  @Test
  void lazyNodesBehaveAsOrdinaryNodes() {
    JsonNode document = LazyJson.parse(bytes(DOCUMENT));
    ArrayNode data = (ArrayNode) document.get("data");
    assertEquals(1, data.size());
    ObjectNode copy = (ObjectNode) data.get(0).deepCopy();
    assertEquals(data.get(0), copy);
    data.add("second");
    data.insert(0, 0);
    data.remove(0);
    assertEquals(List.of("ch_1", "second"), List.of(data.get(0).get("id").asText(), data.get(1).asText()));
    ObjectNode card = (ObjectNode) data.get(0).get("card");
    assertEquals(List.of("brand", "checks"), List.copyOf(card.properties().stream().map(e -> e.getKey()).toList()));
    card.properties().iterator().next().setValue(Json.NODES.textNode("amex"));
    assertEquals("amex", card.get("brand").asText());
    assertInstanceOf(ObjectNode.class, document);
    assertTrue(((ObjectNode) document.at("/data/0/metadata")).isEmpty());
  }

  @Test
  void malformedJsonIsRefusedWithTheOffset() {
    for (String bad : List.of("{\"a\": 1,}", "{\"a\" 1}", "[1 2]", "{\"a\": 01}", "{\"a\": 1.}",
        "{\"a\": -}", "{\"a\": \"tab\there\"}", "{\"a\": \"\\x\"}", "{\"a\": \"\\u12G4\"}",
        "{\"a\": tru}", "{\"a\": [1, 2}", "{\"a\": 1} x", "", "   ", "{\"a\": \"open", "{a: 1}",
        "[1, 2", "{\"a\": 1e}")) {
      IllegalArgumentException problem = assertThrows(IllegalArgumentException.class,
          () -> LazyJson.parse(bytes(bad)), bad);
      assertTrue(problem.getMessage().contains(" at byte "), problem.getMessage());
    }
    byte[] invalidUtf8 = {'"', (byte) 0xC3, '(', '"'};
    assertThrows(IllegalArgumentException.class, () -> LazyJson.parse(invalidUtf8));
    byte[] encodedSurrogate = {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'};
    assertThrows(IllegalArgumentException.class, () -> LazyJson.parse(encodedSurrogate));
    byte[] overlong = {'"', (byte) 0xC0, (byte) 0xAF, '"'};
    assertThrows(IllegalArgumentException.class, () -> LazyJson.parse(overlong));
  }

  @Test
  void deepNestingIsRead() throws Exception {
    int levels = Json.MAX_NESTING - 1;
    String deep = "[".repeat(levels) + "{\"a\":1}" + "]".repeat(levels);
    JsonNode lazy = LazyJson.parse(bytes(deep));
    JsonNode node = lazy;
    for (int i = 0; i < levels; i++) {
      node = node.get(0);
    }
    assertEquals(1, node.get("a").intValue());
    assertThrows(IllegalArgumentException.class,
        () -> LazyJson.parse(bytes("[".repeat(Json.MAX_NESTING + 1) + "]".repeat(Json.MAX_NESTING + 1))));
  }
}
