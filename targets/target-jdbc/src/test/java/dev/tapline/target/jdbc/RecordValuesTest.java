package dev.tapline.target.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.TaplineException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordValuesTest {

  private static final List<Column> COLUMNS = List.of(
      new Column("id", "id", ColumnType.BIGINT),
      new Column("amount", "amount", ColumnType.NUMERIC),
      new Column("note", "note", ColumnType.TEXT),
      new Column("at", "at", ColumnType.TIMESTAMP_TZ),
      new Column("day", "day", ColumnType.DATE),
      new Column("flag", "flag", ColumnType.BOOLEAN),
      new Column("data", "data", ColumnType.JSON));

  private static JsonNode value(String json) {
    return Json.parse(json);
  }

  @Test
  void numbersKeepEveryDigit() {
    RecordValues values = new RecordValues("s", COLUMNS, InvalidDatePolicy.ERROR);
    assertEquals("99999999999999999.99", values.text(value("99999999999999999.99"), 1));
    assertEquals("0.10", values.text(value("0.10"), 1));
    assertEquals("-4.8", values.text(value("-4.8"), 1));
    assertEquals("9223372036854775807", values.text(value("9223372036854775807"), 0));
    assertFalse(values.needsNumeric(0));
    assertEquals("123456789012345678901234567890", values.text(value("123456789012345678901234567890"), 0));
    assertTrue(values.needsNumeric(0), "an integer beyond 64 bits widens its column");
    values.reset();
    assertFalse(values.needsNumeric(0));
  }

  @Test
  void nullsBooleansAndJson() {
    RecordValues values = new RecordValues("s", COLUMNS, InvalidDatePolicy.ERROR);
    assertNull(values.text(null, 2));
    assertNull(values.text(value("null"), 2));
    assertEquals("false", values.text(value("false"), 5));
    assertEquals("{\"a\":[1,2.50]}", values.text(value("{\"a\": [1, 2.50]}"), 6));
    assertEquals("\"text\"", values.text(value("\"text\""), 6));
    assertEquals("2024-03-01T10:15:30+05:30", values.text(value("\"2024-03-01T10:15:30+05:30\""), 3));
  }

  @Test
  void nulCharactersAreRemovedAndCounted() {
    RecordValues values = new RecordValues("s", COLUMNS, InvalidDatePolicy.ERROR);
    assertEquals("ab", values.text(value("\"a\\u0000b\""), 2));
    assertEquals("{\"k\":\"ab\"}", values.text(value("{\"k\": \"a\\u0000b\"}"), 6));
    assertEquals("{\"k\":\"\\\\u0000\"}", values.text(value("{\"k\": \"\\\\u0000\"}"), 6), "an escaped backslash is not a NUL");
    assertEquals(2, values.strippedNulCharacters());
  }

  @Test
  void datesOutOfRangeFollowThePolicy() {
    assertThrows(TaplineException.class,
        () -> new RecordValues("s", COLUMNS, InvalidDatePolicy.ERROR).text(value("\"10000-01-01T00:00:00Z\""), 3));
    assertThrows(TaplineException.class,
        () -> new RecordValues("s", COLUMNS, InvalidDatePolicy.ERROR).text(value("\"0000-01-01\""), 4));
    RecordValues nulls = new RecordValues("s", COLUMNS, InvalidDatePolicy.NULL);
    assertNull(nulls.text(value("\"10000-01-01T00:00:00Z\""), 3));
    assertEquals(1, nulls.replacedDates());
    RecordValues max = new RecordValues("s", COLUMNS, InvalidDatePolicy.MAX);
    assertEquals(RecordValues.MAX_TIMESTAMP, max.text(value("\"-0001-01-01T00:00:00Z\""), 3));
    assertEquals(RecordValues.MAX_DATE, max.text(value("\"0000-00-00\""), 4));
    assertEquals("9999-12-31", max.text(value("\"9999-12-31\""), 4));
  }
}
