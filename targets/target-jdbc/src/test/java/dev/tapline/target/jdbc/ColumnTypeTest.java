package dev.tapline.target.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapline.spec.Json;
import dev.tapline.spec.schema.PropertyType;
import org.junit.jupiter.api.Test;

class ColumnTypeTest {

  private static ColumnType of(String schema) {
    return ColumnType.of(PropertyType.of(Json.parse(schema)));
  }

  @Test
  void mapsJsonSchemaTypesToExactColumns() {
    assertEquals(ColumnType.BIGINT, of("{\"type\": [\"null\", \"integer\"]}"));
    assertEquals(ColumnType.NUMERIC, of("{\"type\": \"number\"}"));
    assertEquals(ColumnType.numeric(20, 2), of("{\"type\": \"number\", \"x-singer.decimal\": {\"precision\": 20, \"scale\": 2}}"));
    assertEquals(ColumnType.numeric(38, 4), of("{\"type\": \"number\", \"singer.decimal\": {\"precision\": 38, \"scale\": 4}}"));
    assertEquals(new ColumnType(ColumnType.Kind.NUMERIC, null, 2), of("{\"type\": \"number\", \"multipleOf\": 0.01}"));
    assertEquals(ColumnType.TIMESTAMP_TZ, of("{\"type\": \"string\", \"format\": \"date-time\"}"));
    assertEquals(ColumnType.DATE, of("{\"type\": \"string\", \"format\": \"date\"}"));
    assertEquals(ColumnType.TIME, of("{\"type\": \"string\", \"format\": \"time\"}"));
    assertEquals(ColumnType.TEXT, of("{\"type\": [\"null\", \"string\"], \"maxLength\": 16}"));
    assertEquals(ColumnType.BOOLEAN, of("{\"type\": \"boolean\"}"));
    assertEquals(ColumnType.JSON, of("{\"type\": \"object\", \"properties\": {}}"));
    assertEquals(ColumnType.JSON, of("{\"type\": \"array\"}"));
    assertEquals(ColumnType.JSON, of("{\"type\": [\"string\", \"integer\"]}"));
    assertEquals(ColumnType.JSON, of("{}"));
  }

  @Test
  void widensOnlyWithoutLoss() {
    assertTrue(ColumnType.BIGINT.fitsIn(ColumnType.NUMERIC));
    assertTrue(ColumnType.BIGINT.fitsIn(ColumnType.numeric(38, 0)));
    assertFalse(ColumnType.BIGINT.fitsIn(ColumnType.numeric(18, 0)));
    assertTrue(ColumnType.numeric(10, 2).fitsIn(ColumnType.numeric(12, 4)));
    assertFalse(ColumnType.numeric(10, 2).fitsIn(ColumnType.numeric(10, 4)), "fewer integer digits");
    assertFalse(ColumnType.numeric(10, 4).fitsIn(ColumnType.numeric(12, 2)), "fewer decimals");
    assertTrue(ColumnType.numeric(10, 4).fitsIn(ColumnType.NUMERIC));
    assertFalse(ColumnType.NUMERIC.fitsIn(ColumnType.numeric(38, 9)));
    assertFalse(ColumnType.NUMERIC.fitsIn(ColumnType.BIGINT));
    assertFalse(ColumnType.TEXT.fitsIn(ColumnType.BIGINT));
    assertFalse(ColumnType.TIMESTAMP_TZ.fitsIn(ColumnType.TEXT));
  }

  @Test
  void namesTypesForMessages() {
    assertEquals("numeric(20,2)", ColumnType.numeric(20, 2).toString());
    assertEquals("timestamp_tz", ColumnType.TIMESTAMP_TZ.toString());
  }
}
