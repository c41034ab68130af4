package dev.tapline.tap.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapline.spec.Json;
import org.junit.jupiter.api.Test;

class SchemaInferenceTest {

  @Test
  void typesAreWidenedAcrossRecords() {
    SchemaInference inference = new SchemaInference();
    inference.add(Json.parse("{\"id\": 1, \"at\": \"2024-01-01T00:00:00Z\", \"n\": 1, \"tags\": [\"a\"],"
        + " \"nested\": {\"x\": true}, \"blank\": null, \"code\": \"2024-01-01T00:00:00Z\"}"));
    inference.add(Json.parse("{\"id\": 2, \"at\": \"2024-01-02T00:00:00+02:00\", \"n\": 1.5,"
        + " \"nested\": {\"y\": \"z\"}, \"code\": \"A7\"}"));
    JsonNode properties = inference.schema().path("properties");
    assertEquals(Json.parse("[\"null\",\"integer\"]"), properties.path("id").path("type"));
    assertEquals("date-time", properties.path("at").path("format").asText());
    assertEquals(Json.parse("[\"null\",\"number\"]"), properties.path("n").path("type"));
    assertEquals(Json.parse("[\"null\",\"string\"]"), properties.path("tags").path("items").path("type"));
    assertEquals(Json.parse("[\"null\",\"boolean\"]"), properties.path("nested").path("properties").path("x").path("type"));
    assertEquals(Json.object(), properties.path("blank"));
    assertFalse(properties.path("code").has("format"), "text that is not always a timestamp kept date-time");
    assertEquals("object", inference.schema().path("type").asText());
  }
}
