package dev.tapline.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageWriterTest {

  @Test
  void writesTheStrictForm() {
    var out = new ByteArrayOutputStream();
    try (var writer = new MessageWriter(out)) {
      var schema = (ObjectNode) Json.parse("{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}}}");
      writer.write(new SchemaMessage("users", schema, null));
      writer.write(new RecordMessage("users", (ObjectNode) Json.parse("{\"id\":1,\"amount\":1.50,\"name\":\"Zoë\"}"),
          Instant.parse("2024-01-02T03:04:05.123456Z"), 7L));
      writer.write(new ActivateVersionMessage("users", 7));
      writer.write(new StateMessage(Json.parse("{\"bookmarks\":{}}")));
    }
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(4, lines.length);
    assertEquals("{\"type\":\"SCHEMA\",\"stream\":\"users\",\"schema\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}}},\"key_properties\":[]}", lines[0]);
    assertEquals("{\"type\":\"RECORD\",\"stream\":\"users\",\"record\":{\"id\":1,\"amount\":1.50,\"name\":\"Zoë\"},\"version\":7,\"time_extracted\":\"2024-01-02T03:04:05.123456Z\"}", lines[1]);
    assertEquals("{\"type\":\"ACTIVATE_VERSION\",\"stream\":\"users\",\"version\":7}", lines[2]);
    assertEquals("{\"type\":\"STATE\",\"value\":{\"bookmarks\":{}}}", lines[3]);
  }

  @Test
  void timestampsWithOffsetsAreWrittenInUtc() {
    var out = new ByteArrayOutputStream();
    try (var writer = new MessageWriter(out)) {
      writer.writeRecord("a", Json.object(), Timestamps.parse("2024-01-02T05:04:05+02:00"), null);
    }
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("\"time_extracted\":\"2024-01-02T03:04:05Z\""));
  }

  @Test
  void stateIsFlushedAtOnceRecordsAreBuffered() {
    var out = new ByteArrayOutputStream();
    var writer = new MessageWriter(out);
    writer.writeRecord("a", Json.object(), null, null);
    assertEquals(0, out.size(), "records are buffered");
    writer.writeState(Json.parse("{\"x\":1}"));
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.endsWith("{\"type\":\"STATE\",\"value\":{\"x\":1}}\n"), text);
  }

  @Test
  void roundTripsThroughTheReaderExactly() {
    String input = "{\"type\":\"RECORD\",\"stream\":\"s\",\"record\":{\"big\":99999999999999999.99,"
        + "\"huge\":123456789012345678901234567890,\"small\":1E-30,\"text\":\"a\\nb\\u0000c\",\"nested\":{\"list\":[1,2.0,null,true]}}}\n";
    var reader = new MessageReader(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
    var out = new ByteArrayOutputStream();
    List<Message> messages = new ArrayList<>();
    try (var writer = new MessageWriter(out)) {
      Message message;
      while ((message = reader.next()) != null) {
        messages.add(message);
        writer.write(message);
      }
    }
    String written = out.toString(StandardCharsets.UTF_8);
    assertTrue(written.contains("\"big\":99999999999999999.99"), written);
    assertTrue(written.contains("\"huge\":123456789012345678901234567890"), written);
    assertTrue(written.contains("\"small\":0.000000000000000000000000000001"), written);
    assertTrue(written.contains("\"list\":[1,2.0,null,true]"), written);
    var again = new MessageReader(new ByteArrayInputStream(out.toByteArray())).next();
    assertEquals(messages.get(0), again);
  }
}
