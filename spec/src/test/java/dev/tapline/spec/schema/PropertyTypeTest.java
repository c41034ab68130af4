package dev.tapline.spec.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapline.spec.Json;
import dev.tapline.spec.schema.PropertyType.Kind;
import org.junit.jupiter.api.Test;

class PropertyTypeTest {

  private static PropertyType of(String schema) {
    return PropertyType.of(Json.parse(schema));
  }

  @Test
  void simpleAndNullableTypes() {
    assertEquals(Kind.INTEGER, of("{\"type\": \"integer\"}").kind());
    assertFalse(of("{\"type\": \"integer\"}").nullable());
    assertTrue(of("{\"type\": [\"null\", \"integer\"]}").nullable());
    assertEquals(Kind.BOOLEAN, of("{\"type\": [\"boolean\", \"null\"]}").kind());
    assertEquals(Kind.OBJECT, of("{\"type\": \"object\"}").kind());
    assertEquals(Kind.ARRAY, of("{\"type\": [\"array\", \"null\"], \"items\": {}}").kind());
    assertEquals(Kind.OBJECT, of("{\"properties\": {\"a\": {}}}").kind());
  }

  @Test
  void stringFormats() {
    assertEquals(Kind.DATE_TIME, of("{\"type\": \"string\", \"format\": \"date-time\"}").kind());
    assertEquals(Kind.DATE, of("{\"type\": \"string\", \"format\": \"date\"}").kind());
    assertEquals(Kind.TIME, of("{\"type\": \"string\", \"format\": \"time\"}").kind());
    PropertyType text = of("{\"type\": \"string\", \"maxLength\": 40}");
    assertEquals(Kind.STRING, text.kind());
    assertEquals(40, text.maxLength());
  }

  @Test
  void anyOfBranchesCombine() {
    PropertyType type = of("{\"anyOf\": [{\"type\": \"string\", \"format\": \"date-time\"}, {\"type\": \"null\"}]}");
    assertEquals(Kind.DATE_TIME, type.kind());
    assertTrue(type.nullable());
  }

  @Test
  void decimalsKeepPrecisionAndScale() {
    PropertyType hinted = of("{\"type\": \"number\", \"x-singer.decimal\": {\"precision\": 20, \"scale\": 2}}");
    assertEquals(Kind.NUMBER, hinted.kind());
    assertEquals(20, hinted.precision());
    assertEquals(2, hinted.scale());
    PropertyType multiple = of("{\"type\": [\"null\", \"number\"], \"multipleOf\": 0.01}");
    assertEquals(2, multiple.scale());
    PropertyType asString = of("{\"type\": [\"null\", \"string\"], \"format\": \"singer.decimal\", \"additionalProperties\": {\"scale_precision\": \"(12,4)\"}}");
    assertEquals(Kind.NUMBER, asString.kind());
    assertTrue(asString.decimalAsString());
    assertEquals(12, asString.precision());
    assertEquals(4, asString.scale());
  }

  @Test
  void integerWithNumberIsANumberOtherMixesAreJson() {
    assertEquals(Kind.NUMBER, of("{\"type\": [\"integer\", \"number\"]}").kind());
    PropertyType union = of("{\"type\": [\"string\", \"integer\"]}");
    assertEquals(Kind.JSON, union.kind());
    assertTrue(union.union());
    assertEquals(Kind.JSON, of("{}").kind());
    assertEquals(Kind.JSON, of("{\"description\": \"anything\"}").kind());
  }
}
