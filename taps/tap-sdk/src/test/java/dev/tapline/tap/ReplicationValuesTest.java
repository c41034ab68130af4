package dev.tapline.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapline.spec.Json;
import org.junit.jupiter.api.Test;

class ReplicationValuesTest {

  private static int compare(String schema, String left, String right) {
    return Integer.signum(ReplicationValues.forSchema(Json.parse(schema)).compare(Json.parse(left), Json.parse(right)));
  }

  @Test
  void numbersCompareExactly() {
    String number = "{\"type\": \"number\"}";
    assertEquals(1, compare(number, "10", "9.5"));
    assertEquals(0, compare(number, "1.50", "1.5"));
    assertEquals(-1, compare(number, "0.1000000000000000000001", "0.1000000000000000000002"));
    assertEquals(1, compare("{\"type\": \"integer\"}", "9223372036854775808", "9223372036854775807"));
  }

  @Test
  void timestampsCompareAsInstants() {
    String dateTime = "{\"type\": \"string\", \"format\": \"date-time\"}";
    assertEquals(0, compare(dateTime, "\"2024-01-01T12:00:00+02:00\"", "\"2024-01-01T10:00:00Z\""));
    assertEquals(1, compare(dateTime, "\"2024-01-01T10:00:00.5Z\"", "\"2024-01-01T10:00:00Z\""));
    assertEquals(-1, compare(dateTime, "\"2024-01-01 09:00:00\"", "\"2024-01-01T10:00:00Z\""));
    assertEquals(-1, compare(dateTime, "\"2024-01-09T00:00:00Z\"", "\"2024-01-10T00:00:00Z\""));
    assertEquals(1, compare("{\"type\": \"string\", \"format\": \"date\"}", "\"2024-02-01\"", "\"2024-01-31\""));
  }

  @Test
  void aNumberWrittenAsTextComparesAsANumber() {
    String integer = "{\"type\": \"integer\"}";
    assertEquals(1, compare(integer, "100", "\"42\""));
    assertEquals(-1, compare(integer, "\"9\"", "10"));
    assertEquals(-1, compare(integer, "5", "\"not a number\""));
  }

  @Test
  void textComparesLexically() {
    String text = "{\"type\": \"string\"}";
    assertEquals(1, compare(text, "\"b\"", "\"abc\""));
    assertEquals(1, compare(text, "\"9\"", "\"10\""));
  }

  @Test
  void aTimestampPropertyHoldingTextThatIsNoTimestampIsRefused() {
    ReplicationValues order = ReplicationValues.forSchema(Json.parse("{\"type\": \"string\", \"format\": \"date-time\"}"));
    JsonNode bad = Json.NODES.textNode("yesterday");
    JsonNode good = Json.NODES.textNode("2024-01-01T00:00:00Z");
    assertThrows(IllegalArgumentException.class, () -> order.compare(bad, good));
    assertTrue(order.compare(good, good) == 0);
  }
}
