package dev.tapline.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.MessageWriter;
import dev.tapline.spec.RecordMessage;
import dev.tapline.spec.SchemaMessage;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tap's own message encoder must write what the spec's MessageWriter writes. */
class MessageOutputTest {

  private static final Instant EXTRACTED = Instant.parse("2024-02-03T04:05:06.789Z");

  private static ObjectNode trickyRecord() {
    ObjectNode record = Json.object();
    record.put("quote \"and\" backslash \\", "tab\there, newline\nthere, bell \u0007, nul \u0000");
    record.put("accents", "café, Zürich, naïve");
    record.put("cjk", "東京 and 한국");
    record.put("emoji", "rocket \uD83D\uDE80 and flag \uD83C\uDDE8\uD83C\uDDED");
    record.put("long", Long.MIN_VALUE);
    record.put("int", -42);
    record.put("zero", 0);
    record.put("big", new BigInteger("123456789012345678901234567890"));
    record.set("decimal", Json.NODES.numberNode(new BigDecimal("1.50")));
    record.set("tiny", Json.NODES.numberNode(new BigDecimal("1E-12")));
    record.set("text decimal", new DecimalTextNode("-0.005"));
    record.set("plain", new PlainTextNode("plain ascii".getBytes(StandardCharsets.US_ASCII)));
    record.put("double", 2.5d);
    record.put("yes", true);
    record.put("no", false);
    record.putNull("nothing");
    record.putObject("nested").put("a", 1).putArray("list").add("x").add(2).addNull();
    record.put("large", "x".repeat(300_000) + "é");
    return record;
  }

  @Test
  void recordsAreWrittenAsTheSpecWriterWritesThem() {
    ByteArrayOutputStream ours = new ByteArrayOutputStream();
    try (MessageOutput output = new MessageOutput(ours)) {
      output.writeRecord("the \"stream\"", trickyRecord(), EXTRACTED);
      output.writeRecord("the \"stream\"", trickyRecord(), EXTRACTED);
    }
    ByteArrayOutputStream theirs = new ByteArrayOutputStream();
    try (MessageWriter writer = new MessageWriter(theirs)) {
      writer.write(new RecordMessage("the \"stream\"", trickyRecord(), EXTRACTED, null));
      writer.write(new RecordMessage("the \"stream\"", trickyRecord(), EXTRACTED, null));
    }
    // Same JSON; the text differs only where Jackson escapes characters beyond U+FFFF as surrogate
    // pairs (\uD83D\uDE80) and we write their UTF-8 bytes, as RFC 8259 prefers.
    String[] expected = theirs.toString(StandardCharsets.UTF_8).split("\n");
    String[] actual = ours.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Json.parse(expected[i]), Json.parse(actual[i]));
      assertEquals(expected[i].replaceAll("\"emoji\":\"[^\"]*\"", ""),
          actual[i].replaceAll("\"emoji\":\"[^\"]*\"", ""));
    }
    assertTrue(actual[0].contains("rocket \uD83D\uDE80"), "emoji written as UTF-8");
  }

  @Test
  void schemaAndStateLinesAreWrittenAsTheSpecWriterWritesThem() {
    ObjectNode schema = (ObjectNode) Json.parse("{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}}}");
    JsonNode state = Json.parse("{\"bookmarks\":{\"s\":{\"replication_key_value\":1.50}}}");
    ByteArrayOutputStream ours = new ByteArrayOutputStream();
    try (MessageOutput output = new MessageOutput(ours)) {
      output.writeSchema("s", schema, List.of("id"), List.of("id"));
      output.writeSchema("t", schema, List.of(), List.of());
      output.writeState(state);
    }
    ByteArrayOutputStream theirs = new ByteArrayOutputStream();
    try (MessageWriter writer = new MessageWriter(theirs)) {
      writer.write(new SchemaMessage("s", schema, List.of("id"), List.of("id")));
      writer.write(new SchemaMessage("t", schema, List.of(), List.of()));
      writer.writeState(state);
    }
    assertEquals(theirs.toString(StandardCharsets.UTF_8), ours.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aLoneSurrogateIsEscapedSoTheLineStaysValidJson() {
    ObjectNode record = Json.object().put("broken", "a\uD800b");
    ByteArrayOutputStream ours = new ByteArrayOutputStream();
    try (MessageOutput output = new MessageOutput(ours)) {
      output.writeRecord("s", record, EXTRACTED);
    }
    String line = ours.toString(StandardCharsets.UTF_8);
    assertTrue(line.contains("a\\ud800b"), line);
    assertEquals("a\uD800b", Json.parse(line).get("record").get("broken").textValue());
  }
}
