package dev.tapline.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageReaderTest {

  private final List<String> warnings = new ArrayList<>();

  private List<Message> readAll(String text) {
    var reader = new MessageReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), warnings::add);
    List<Message> messages = new ArrayList<>();
    Message message;
    while ((message = reader.next()) != null) {
      messages.add(message);
    }
    return messages;
  }

  @Test
  void readsEveryTypeInAnyCase() {
    var messages = readAll("""
        {"type": "schema", "stream": "users", "schema": {"properties": {"id": {"type": "integer"}}}, "key_properties": ["id"]}
        {"type": "Record", "stream": "users", "record": {"id": 1}}
        {"type": "STATE", "value": {"bookmarks": {"users": {"id": 1}}}}
        {"type": "activate_version", "stream": "users", "version": 1700000000000}
        {"type": "BATCH", "stream": "users", "encoding": {"format": "jsonl", "compression": "gzip"}, "manifest": ["file:///tmp/a.jsonl.gz"]}
        """);
    assertEquals(5, messages.size());
    var schema = assertInstanceOf(SchemaMessage.class, messages.get(0));
    assertEquals(List.of("id"), schema.keyProperties());
    var record = assertInstanceOf(RecordMessage.class, messages.get(1));
    assertEquals(1, record.record().get("id").intValue());
    var state = assertInstanceOf(StateMessage.class, messages.get(2));
    assertEquals(1, state.value().at("/bookmarks/users/id").intValue());
    var activate = assertInstanceOf(ActivateVersionMessage.class, messages.get(3));
    assertEquals(1700000000000L, activate.version());
    var batch = assertInstanceOf(BatchMessage.class, messages.get(4));
    assertEquals(List.of("file:///tmp/a.jsonl.gz"), batch.manifest());
  }

  @Test
  void keyPropertiesMissingOrInsideSchema() {
    var messages = readAll("""
        {"type": "SCHEMA", "stream": "a", "schema": {"properties": {}}}
        {"type": "SCHEMA", "stream": "b", "schema": {"properties": {}, "key_properties": ["id"]}}
        """);
    assertEquals(List.of(), ((SchemaMessage) messages.get(0)).keyProperties());
    assertEquals(List.of("id"), ((SchemaMessage) messages.get(1)).keyProperties());
  }

  @Test
  void bothTimestampFormsAreRead() {
    var messages = readAll("""
        {"type": "RECORD", "stream": "a", "record": {}, "time_extracted": "2019-01-31T15:51:47.465408Z"}
        {"type": "RECORD", "stream": "a", "record": {}, "time_extracted": "2019-01-31T15:51:47.465408+00:00"}
        {"type": "RECORD", "stream": "a", "record": {}, "time_extracted": "2019-01-31T17:51:47.465408+02:00"}
        """);
    Instant expected = Instant.parse("2019-01-31T15:51:47.465408Z");
    for (Message message : messages) {
      assertEquals(expected, ((RecordMessage) message).timeExtracted());
    }
  }

  @Test
  void numbersAreExact() {
    var record = (RecordMessage) readAll(
        "{\"type\":\"RECORD\",\"stream\":\"a\",\"record\":{\"big\":99999999999999999.99,\"scaled\":1.50,"
            + "\"huge\":123456789012345678901234567890,\"neg\":-4.8}}").get(0);
    assertEquals(new BigDecimal("99999999999999999.99"), record.record().get("big").decimalValue());
    assertEquals("1.50", record.record().get("scaled").decimalValue().toPlainString());
    assertEquals(new BigInteger("123456789012345678901234567890"), record.record().get("huge").bigIntegerValue());
    assertEquals(new BigDecimal("-4.8"), record.record().get("neg").decimalValue());
  }

  @Test
  void unknownTypesAreSkippedWithAWarning() {
    var messages = readAll("""
        {"type": "FOO", "stream": "a"}
        {"type": "STATE", "value": {}}
        """);
    assertEquals(1, messages.size());
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0).contains("line 1"), warnings.get(0));
    assertTrue(warnings.get(0).contains("FOO"), warnings.get(0));
  }

  @Test
  void blankLinesAndCrLfAreAccepted() {
    var messages = readAll("{\"type\":\"STATE\",\"value\":{}}\r\n\r\n   \n{\"type\":\"STATE\",\"value\":{\"a\":1}}");
    assertEquals(2, messages.size());
  }

  @Test
  void malformedLineNamesItsNumberAndShowsItsStart() {
    var error = assertThrows(ProtocolException.class, () -> readAll("""
        {"type": "STATE", "value": {}}
        {"type": "RECORD", "stream": "a", "record": {"id": 1
        """));
    assertEquals(2, error.lineNumber());
    assertTrue(error.getMessage().startsWith("Line 2 is not valid JSON"), error.getMessage());
    assertTrue(error.getMessage().contains("The line starts: {\"type\": \"RECORD\""), error.getMessage());
  }

  @Test
  void truncatedLastLineWithoutNewlineIsAnError() {
    var error = assertThrows(ProtocolException.class,
        () -> readAll("{\"type\": \"STATE\", \"value\": {}}\n{\"type\": \"RECORD\", \"str"));
    assertEquals(2, error.lineNumber());
  }

  @Test
  void missingFieldsAreNamed() {
    assertTrue(assertThrows(ProtocolException.class, () -> readAll("{\"stream\": \"a\"}"))
        .getMessage().contains("no \"type\""));
    assertTrue(assertThrows(ProtocolException.class, () -> readAll("{\"type\": \"RECORD\", \"record\": {}}"))
        .getMessage().contains("without a \"stream\""));
    assertTrue(assertThrows(ProtocolException.class, () -> readAll("{\"type\": \"RECORD\", \"stream\": \"a\"}"))
        .getMessage().contains("without a \"record\" object"));
    assertTrue(assertThrows(ProtocolException.class, () -> readAll("{\"type\": \"SCHEMA\", \"stream\": \"a\"}"))
        .getMessage().contains("without a \"schema\" object"));
    assertTrue(assertThrows(ProtocolException.class, () -> readAll("{\"type\": \"STATE\"}"))
        .getMessage().contains("without a \"value\""));
    assertTrue(assertThrows(ProtocolException.class, () -> readAll("[1, 2]"))
        .getMessage().contains("is not a JSON object"));
    assertTrue(assertThrows(ProtocolException.class, () -> readAll("{\"type\": \"STATE\", \"value\": {}} {}"))
        .getMessage().contains("has more after"));
  }

  @Test
  void longLinesSpanningBuffersAreRead() {
    String text = "x".repeat(300_000);
    var record = (RecordMessage) readAll(
        "{\"type\":\"RECORD\",\"stream\":\"a\",\"record\":{\"text\":\"" + text + "\"}}\n").get(0);
    assertEquals(text, record.record().get("text").textValue());
  }

  @Test
  void endOfInputGivesNull() {
    var reader = new MessageReader(new ByteArrayInputStream(new byte[0]), warnings::add);
    assertNull(reader.next());
    assertNull(reader.next());
  }

  @Test
  void theRecordsExactBytesAreAvailable() {
    String line = "  {\"type\": \"RECORD\", \"record\": {\"amount\": 1.50, \"name\": \"Zo\\u00eb\", \"n\": [1, {}]}, \"stream\": \"a\"}\n"
        + "{\"type\": \"STATE\", \"value\": {}}\n";
    var reader = new MessageReader(new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)), warnings::add);
    reader.next();
    assertEquals("{\"amount\": 1.50, \"name\": \"Zo\\u00eb\", \"n\": [1, {}]}",
        new String(reader.lastRecordJson(), StandardCharsets.UTF_8));
    reader.next();
    assertNull(reader.lastRecordJson(), "not a RECORD");
  }

  @Test
  void findsTheFirstNewlineAtEveryPositionAndAlignment() {
    for (int length = 0; length < 40; length++) {
      for (int at = -1; at < length; at++) {
        byte[] bytes = new byte[length + 3];
        java.util.Arrays.fill(bytes, (byte) 'x');
        bytes[1] = (byte) 0x8A; // a byte whose low bits are those of a newline
        bytes[2] = (byte) 0x0B;
        if (at >= 0) {
          bytes[at + 3] = '\n';
          if (at + 5 < bytes.length) {
            bytes[at + 5] = '\n';
          }
        }
        assertEquals(at < 0 ? -1 : at + 3, MessageReader.indexOfNewline(bytes, 3, bytes.length), "length " + length + " at " + at);
      }
    }
    byte[] lines = "ab\ncd\n".getBytes(StandardCharsets.UTF_8);
    assertEquals(2, MessageReader.indexOfNewline(lines, 0, lines.length));
    assertEquals(5, MessageReader.indexOfNewline(lines, 3, lines.length));
    assertEquals(-1, MessageReader.indexOfNewline(lines, 3, 5));
  }

  @Test
  void aNumberNoDecimalHoldsFailsWithItsLineNumber() {
    ProtocolException problem = assertThrows(ProtocolException.class, () -> readAll(
        "{\"type\":\"STATE\",\"value\":{}}\n{\"type\":\"RECORD\",\"stream\":\"s\",\"record\":{\"a\":922e372036854775807}}\n"));
    assertTrue(problem.getMessage().startsWith("Line 2 has a number that cannot be read exactly"), problem.getMessage());
    assertEquals(2, problem.lineNumber());
  }

  @Test
  void nestingBeyondTheLimitFailsWithItsLineNumber() {
    // the message and its record object are two of the levels
    String deepest = "[".repeat(Json.MAX_NESTING - 2) + "]".repeat(Json.MAX_NESTING - 2);
    assertEquals(1, readAll("{\"type\":\"RECORD\",\"stream\":\"s\",\"record\":{\"a\":" + deepest + "}}\n").size());
    String deep = "[".repeat(Json.MAX_NESTING + 1) + "]".repeat(Json.MAX_NESTING + 1);
    ProtocolException problem = assertThrows(ProtocolException.class, () -> readAll(
        "{\"type\":\"STATE\",\"value\":{}}\n{\"type\":\"RECORD\",\"stream\":\"s\",\"record\":{\"a\":" + deep + "}}\n"));
    assertTrue(problem.getMessage().startsWith("Line 2 is not valid JSON (Document nesting depth"), problem.getMessage());
  }
}
