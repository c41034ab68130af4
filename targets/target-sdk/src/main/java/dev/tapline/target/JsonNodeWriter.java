package dev.tapline.target;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Map;

/**
 * Writes a JSON tree to a generator directly, without the object mapper's serializer lookups: the
 * fast path for sinks that write records as JSON. Numbers are written exactly as held; enable
 * {@link JsonGenerator.Feature#WRITE_BIGDECIMAL_AS_PLAIN} on the generator to avoid exponents.
 */
public final class JsonNodeWriter {

  private JsonNodeWriter() {}

  /** Writes {@code node} as one JSON value. */
  public static void write(JsonGenerator generator, JsonNode node) throws IOException {
    switch (node.getNodeType()) {
      case OBJECT -> {
        generator.writeStartObject();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
          generator.writeFieldName(field.getKey());
          write(generator, field.getValue());
        }
        generator.writeEndObject();
      }
      case ARRAY -> {
        generator.writeStartArray();
        for (int i = 0; i < node.size(); i++) {
          write(generator, node.get(i));
        }
        generator.writeEndArray();
      }
      case STRING -> generator.writeString(node.textValue());
      case NUMBER -> {
        switch (node.numberType()) {
          case INT -> generator.writeNumber(node.intValue());
          case LONG -> generator.writeNumber(node.longValue());
          case BIG_INTEGER -> generator.writeNumber(node.bigIntegerValue());
          case BIG_DECIMAL -> generator.writeNumber(node.decimalValue());
          case FLOAT -> generator.writeNumber(node.floatValue());
          case DOUBLE -> generator.writeNumber(node.doubleValue());
        }
      }
      case BOOLEAN -> generator.writeBoolean(node.booleanValue());
      case NULL, MISSING -> generator.writeNull();
      case BINARY -> generator.writeBinary(node.binaryValue());
      case POJO -> generator.writeObject(node);
    }
  }
}
