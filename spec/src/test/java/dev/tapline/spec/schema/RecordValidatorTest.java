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

  @Test
  void nestedObjectsArraysAndCombinators() {
    var validator = compile("""
        {"type": "object", "required": ["id"], "additionalProperties": false,
         "properties": {
           "id": {"type": "integer", "minimum": 1},
           "tags": {"type": "array", "items": {"type": "string", "maxLength": 3}},
           "address": {"type": ["null", "object"], "properties": {"zip": {"type": "string", "pattern": "^[0-9]{5}$"}}},
           "status": {"enum": ["paid", "open"]},
           "when": {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]}
         }}
        """);
    assertEquals(List.of(), validator.validate(Json.parse(
        "{\"id\": 2, \"tags\": [\"a\"], \"address\": {\"zip\": \"12345\"}, \"status\": \"paid\", \"when\": \"2024-02-29\"}")));
    assertEquals(List.of(), validator.validate(Json.parse("{\"id\": 3.0}")), "3.0 is an integer");
    List<String> problems = validator.validate(Json.parse(
        "{\"tags\": [\"abcd\"], \"address\": {\"zip\": \"x\"}, \"status\": \"lost\", \"when\": \"2023-02-29\", \"extra\": 1}"));
    String text = problems.toString();
    assertTrue(text.contains("$: required property 'id' is missing"), text);
    assertTrue(text.contains("$.tags[0]: may be at most 3 characters long"), text);
    assertTrue(text.contains("$.address.zip: does not match the pattern"), text);
    assertTrue(text.contains("$.status: does not have a value in the enumeration"), text);
    assertTrue(text.contains("$.when: matches none of the anyOf schemas"), text);
    assertTrue(text.contains("property 'extra' is not defined"), text);
    assertFalse(validator.validate(Json.parse("{\"id\": 0}")).isEmpty(), "minimum");
    assertFalse(validator.validate(Json.parse("{\"id\": 1.5}")).isEmpty(), "1.5 is not an integer");
  }

  @Test
  void schemasWithOtherKeywordsUseTheCompleteValidator() {
    var validator = compile("""
        {"type": "object", "definitions": {"money": {"type": "number", "multipleOf": 0.01}},
         "properties": {"amount": {"$ref": "#/definitions/money"}}}
        """);
    assertEquals(List.of(), validator.validate(Json.parse("{\"amount\": -4.80}")));
    assertFalse(validator.validate(Json.parse("{\"amount\": \"x\"}")).isEmpty());
  }
}
