package dev.tapline.spec.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapline.spec.Json;
import dev.tapline.spec.MessageType;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageSchemasTest {

  private final MessageSchemas schemas = MessageSchemas.get();

  @Test
  void validMessagesPass() {
    for (String line : List.of(
        "{\"type\": \"SCHEMA\", \"stream\": \"a\", \"schema\": {\"properties\": {}}, \"key_properties\": []}",
        "{\"type\": \"RECORD\", \"stream\": \"a\", \"record\": {}, \"time_extracted\": \"2024-01-02T03:04:05Z\", \"version\": 1}",
        "{\"type\": \"STATE\", \"value\": {\"bookmarks\": {}}}",
        "{\"type\": \"ACTIVATE_VERSION\", \"stream\": \"a\", \"version\": 1}",
        "{\"type\": \"BATCH\", \"stream\": \"a\", \"encoding\": {\"format\": \"jsonl\"}, \"manifest\": []}")) {
      assertEquals(List.of(), schemas.validate(Json.parse(line)), line);
    }
  }

  @Test
  void violationsAreNamed() {
    assertFalse(schemas.validate(Json.parse("{\"type\": \"FOO\"}")).isEmpty());
    assertFalse(schemas.validate(Json.parse("{\"type\": \"record\", \"stream\": \"a\", \"record\": {}}")).isEmpty(),
        "the protocol's types are upper case");
    List<String> noKeys = schemas.validate(Json.parse("{\"type\": \"SCHEMA\", \"stream\": \"a\", \"schema\": {}}"));
    assertTrue(noKeys.toString().contains("key_properties"), noKeys.toString());
    List<String> noStream = schemas.validate(Json.parse("{\"type\": \"RECORD\", \"record\": {}}"));
    assertTrue(noStream.toString().contains("stream"), noStream.toString());
  }

  @Test
  void everyTypeHasASchemaFile() {
    for (MessageType type : MessageType.values()) {
      assertEquals("object", MessageSchemas.schemaOf(type).get("type").asText());
    }
  }
}
