package dev.tapline.tap.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapline.spec.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The conversions of PostgreSQL's text output, from strings (the log) and bytes (queries). */
class TextValuesTest {

  /** The JSON of a value; text as its quoted text (the byte path's nodes write only to bytes). */
  private static String json(com.fasterxml.jackson.databind.JsonNode value) {
    return value.isTextual() ? "\"" + value.asText() + "\"" : Json.write(value);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void timestampsBecomeIsoInUtcWhicheverPathReadsThem() {
    assertEquals("\"2024-01-02T03:04:05.123456Z\"",
        json(ByteValues.timestamp(utf8("2024-01-02 03:04:05.123456+00"), true)));
    assertEquals("\"2024-01-02T03:04:05Z\"", json(ByteValues.timestamp(utf8("2024-01-02 03:04:05"), false)));
    assertEquals("\"2024-01-02T03:04:05+05:30\"",
        json(ByteValues.timestamp(utf8("2024-01-02 03:04:05+05:30"), true)));
    assertEquals("\"2024-01-02T03:04:05-07:00\"", Json.write(TextValue.TIMESTAMP_WITH_TIME_ZONE.convert("2024-01-02 03:04:05-07")));
    assertEquals("\"9999-12-31T23:59:59.999999Z\"", json(ByteValues.timestamp(utf8("infinity"), true)));
    assertEquals("\"0001-01-01T00:00:00Z\"", Json.write(TextValue.TIMESTAMP.convert("-infinity")));
    assertEquals("null", json(ByteValues.timestamp(utf8("0044-03-15 12:00:00 BC"), false)));
    assertEquals("null", Json.write(TextValue.TIMESTAMP_WITH_TIME_ZONE.convert("12024-01-02 03:04:05+00")));
    assertEquals("\"9999-12-31\"", Json.write(TextValue.DATE.convert("infinity")));
  }

  @Test
  void numbersStayExactAndNonNumbersBecomeNull() {
    assertEquals("123456789012345678.90", Json.write(ByteValues.decimal(utf8("123456789012345678.90"))));
    assertEquals("-0.000001", Json.write(TextValue.DECIMAL.convert("-0.000001")));
    assertEquals("1e+20", Json.write(TextValue.DECIMAL.convert("1e+20")));
    assertEquals("null", Json.write(ByteValues.decimal(utf8("NaN"))));
    assertEquals("null", Json.write(TextValue.DECIMAL.convert("-Infinity")));
    assertEquals("-9223372036854775808", Json.write(ByteValues.integer(utf8("-9223372036854775808"))));
    assertEquals("-42", Json.write(ByteValues.integer(utf8("-42"))));
    assertEquals("9007199254740993", Json.write(TextValue.INTEGER.convert("9007199254740993")));
  }

  @Test
  void textNeedingEscapesIsEscapedAndOtherTextPassesAsBytes() {
    assertEquals("\"plain ünïcode\"", json(ByteValues.string(utf8("plain ünïcode"))));
    assertEquals("\"a\\\"b\\\\c\\nd\"", Json.write(ByteValues.string(utf8("a\"b\\c\nd"))));
    assertTrue(ByteValues.string(utf8("x")).isTextual());
  }

  @Test
  void arraysNestAndKeepQuotedElementsAndNulls() {
    assertEquals("[\"a\",\"b c\",null,\"NULL\",\"q\\\"uote\",\"\"]",
        Json.write(TextValue.array(TextValue.STRING).convert("{a,\"b c\",NULL,\"NULL\",\"q\\\"uote\",\"\"}")));
    assertEquals("[[1,2],[3,null]]", Json.write(TextValue.array(TextValue.INTEGER).convert("{{1,2},{3,NULL}}")));
    assertEquals("[]", Json.write(TextValue.array(TextValue.INTEGER).convert("{}")));
    assertEquals("[5,6]", Json.write(TextValue.array(TextValue.INTEGER).convert("[0:1]={5,6}")));
    assertEquals("[1.50,null]", Json.write(TextValue.array(TextValue.DECIMAL).convert("{1.50,NaN}")));
  }

  @Test
  void byteaIsItsHexDigitsAndJsonIsParsedExactly() {
    assertEquals("\"00ff10\"", Json.write(TextValue.BYTEA.convert("\\x00ff10")));
    assertEquals("{\"a\":[1.10,true,null]}", Json.write(TextValue.JSON.convert("{\"a\": [1.10, true, null]}")));
  }
}
