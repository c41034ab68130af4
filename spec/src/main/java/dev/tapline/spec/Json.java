package dev.tapline.spec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one JSON configuration of Tapline: numbers are read exactly (floats as {@code BigDecimal}
 * with their scale kept, never through {@code double}) and written as plain decimals.
 */
public final class Json {

  /** Builds nodes; keeps {@code 1.50} as {@code 1.50}. */
  public static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  /**
   * The deepest nesting of objects and arrays read, Jackson's default: deep enough for any record
   * (Python's Singer tools stop near it too, at their recursion limit), shallow enough that code
   * walking a tree recursively never exhausts a thread's stack.
   */
  public static final int MAX_NESTING = 1_000;

  /** The longest number read, in characters (a longer one is an error, as JSON text too costly to convert). */
  public static final int MAX_NUMBER_LENGTH = 100_000;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxStringLength(Integer.MAX_VALUE)
                  .maxNumberLength(MAX_NUMBER_LENGTH)
                  .maxNestingDepth(MAX_NESTING)
                  .build())
          .build();

  /** The shared mapper. Do not reconfigure it. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder(FACTORY)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
          .nodeFactory(NODES)
          .build();

  private Json() {}

  public static JsonFactory factory() {
    return MAPPER.getFactory();
  }

  public static ObjectNode object() {
    return NODES.objectNode();
  }

  public static ArrayNode array() {
    return NODES.arrayNode();
  }

  /** Parses JSON text; a syntax error becomes a {@link ProtocolException}. */
  public static JsonNode parse(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ProtocolException("Not valid JSON: " + e.getOriginalMessage(), 0, e);
    }
  }

  /** Reads a JSON file; a missing or malformed file becomes a {@link ConfigurationException}. */
  public static JsonNode read(Path file) {
    try {
      return MAPPER.readTree(Files.readAllBytes(file));
    } catch (JsonProcessingException e) {
      throw new ConfigurationException(
          file + " is not valid JSON (line "
              + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()
              + "): " + e.getOriginalMessage() + ". Fix the file and run again.", e);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new ConfigurationException(file + " does not exist. Check the path.", e);
    } catch (IOException e) {
      throw new ConfigurationException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes a JSON tree to a generator directly, without the mapper's serializer lookups: the fast
   * path for everything that writes records. Numbers are written exactly as held; enable {@link
   * JsonGenerator.Feature#WRITE_BIGDECIMAL_AS_PLAIN} on the generator to avoid exponents.
   */
  public static void writeTree(JsonGenerator generator, JsonNode node) throws IOException {
    switch (node.getNodeType()) {
      case OBJECT -> {
        generator.writeStartObject();
        for (java.util.Map.Entry<String, JsonNode> field : node.properties()) {
          generator.writeFieldName(field.getKey());
          writeTree(generator, field.getValue());
        }
        generator.writeEndObject();
      }
      case ARRAY -> {
        generator.writeStartArray();
        for (int i = 0; i < node.size(); i++) {
          writeTree(generator, node.get(i));
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

  /** Compact JSON text of a node. */
  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Indented JSON text of a node, for files people read. */
  public static String writePretty(JsonNode node) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
