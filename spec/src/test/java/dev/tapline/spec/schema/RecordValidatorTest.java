package dev.tapline.spec.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordValidatorTest {

  private static RecordValidator compile(String schema) {
    return RecordValidator.compile((ObjectNode) Json.parse(schema));
  }

  @Test
  void acceptsValidRecords() {
    var validator = compile("{\"type\": \"object\", \"properties\": {\"id\": {\"type\": \"integer\"}, \"name\": {\"type\": [\"null\", \"string\"]}}}");
    assertEquals(List.of(), validator.validate(Json.parse("{\"id\": 1, \"name\": null}")));
  }

  @Test
  void namesThePropertyOfAMismatch() {
    var validator = compile("{\"type\": \"object\", \"properties\": {\"date\": {\"type\": \"string\", \"format\": \"date-time\"}}}");
    List<String> problems = validator.validate(Json.parse("{\"date\": 123}"));
    assertEquals(1, problems.size());
    assertTrue(problems.get(0).contains("date"), problems.get(0));
  }

  @Test
  void multipleOfUsesDecimalArithmetic() {
    var validator = compile("{\"type\": \"object\", \"properties\": {\"t\": {\"type\": \"number\", \"multipleOf\": 0.1}, \"m\": {\"type\": \"number\", \"multipleOf\": 0.01}}}");
    assertEquals(List.of(), validator.validate(Json.parse("{\"t\": -4.8, \"m\": 19.99}")));
    assertEquals(List.of(), validator.validate(Json.parse("{\"t\": 0.3, \"m\": 99999999999999999.99}")));
    assertFalse(validator.validate(Json.parse("{\"t\": 0.35}")).isEmpty());
  }

  @Test
  void draft4BooleanExclusiveBoundsAreUnderstood() {
    var validator = compile("{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"number\", \"maximum\": 100, \"exclusiveMaximum\": true}}}");
    assertEquals(List.of(), validator.validate(Json.parse("{\"n\": 99.5}")));
    assertFalse(validator.validate(Json.parse("{\"n\": 100}")).isEmpty());
  }

  @Test
  void dateTimesAreCheckedLeniently() {
    var validator = compile("{\"type\": \"object\", \"properties\": {\"at\": {\"type\": [\"null\", \"string\"], \"format\": \"date-time\"}}}");
    assertEquals(List.of(), validator.validate(Json.parse("{\"at\": \"2024-01-02T03:04:05.000000Z\"}")));
    assertEquals(List.of(), validator.validate(Json.parse("{\"at\": \"2024-01-02 03:04:05\"}")));
    assertEquals(List.of(), validator.validate(Json.parse("{\"at\": null}")));
    List<String> problems = validator.validate(Json.parse("{\"at\": \"not a time\"}"));
    assertEquals(1, problems.size());
    assertTrue(problems.get(0).contains("$.at"), problems.get(0));
  }
}
