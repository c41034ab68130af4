package dev.tapline.spec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
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
          .enable(com.fasterxml.jackson.core.StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxStringLength(Integer.MAX_VALUE)
                  .maxNumberLength(MAX_NUMBER_LENGTH)
                  .maxNestingDepth(MAX_NESTING)
                  .build())
          .build();

  /**
   * The shared mapper, made when first asked for: building an {@code ObjectMapper} and loading its
   * classes costs a start-up ~0.1-0.2 s, and reading and writing trees (messages, configs,
   * states) do not need one.
   */
  private static final class Mapper {
    static final ObjectMapper MAPPER =
        JsonMapper.builder(FACTORY.copy())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .nodeFactory(NODES)
            .build();
  }

  private Json() {}

  /** The shared mapper, for binding JSON to classes. Do not reconfigure it. */
  public static ObjectMapper mapper() {
    return Mapper.MAPPER;
  }

  /** The factory of parsers and generators (exact numbers, Tapline's read limits); no codec. */
  public static JsonFactory factory() {
    return FACTORY;
  }

  public static ObjectNode object() {
    return NODES.objectNode();
  }

  public static ArrayNode array() {
    return NODES.arrayNode();
  }

  /** Parses JSON text; a syntax error becomes a {@link ProtocolException}. */
  public static JsonNode parse(String text) {
    try (JsonParser parser = FACTORY.createParser(text)) {
      return readValue(parser);
    } catch (JsonProcessingException e) {
      throw new ProtocolException("Not valid JSON: " + e.getOriginalMessage(), 0, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The first JSON value of a parser as a tree, as the mapper's {@code readTree} builds it
   * (integers as int, long or BigInteger nodes, other numbers as BigDecimal nodes, objects in
   * field order, the last of a repeated name winning); a missing node for empty input.
   */
  static JsonNode readValue(JsonParser parser) throws IOException {
    JsonToken token = parser.nextToken();
    if (token == null) {
      return NODES.missingNode();
    }
    return readNode(parser, token);
  }

  private static JsonNode readNode(JsonParser parser, JsonToken token) throws IOException {
    switch (token) {
      case START_OBJECT: {
        ObjectNode object = NODES.objectNode();
        String name;
        while ((name = parser.nextFieldName()) != null) {
          object.set(name, readNode(parser, parser.nextToken()));
        }
        return object;
      }
      case START_ARRAY: {
        ArrayNode array = NODES.arrayNode();
        JsonToken item;
        while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
          array.add(readNode(parser, item));
        }
        return array;
      }
      case VALUE_STRING:
        return NODES.textNode(parser.getText());
      case VALUE_NUMBER_INT:
        switch (parser.getNumberType()) {
          case INT:
            return NODES.numberNode(parser.getIntValue());
          case LONG:
            return NODES.numberNode(parser.getLongValue());
          default:
            return NODES.numberNode(parser.getBigIntegerValue());
        }
      case VALUE_NUMBER_FLOAT:
        return NODES.numberNode(parser.getDecimalValue());
      case VALUE_TRUE:
        return NODES.booleanNode(true);
      case VALUE_FALSE:
        return NODES.booleanNode(false);
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        throw new com.fasterxml.jackson.core.JsonParseException(parser, "Unexpected token " + token);
    }
  }

  /** Reads a JSON file; a missing or malformed file becomes a {@link ConfigurationException}. */
  public static JsonNode read(Path file) {
    byte[] bytes;
    // java.io rather than Files: the first use of NIO's channels costs a start-up ~30 ms
    try (java.io.FileInputStream in = new java.io.FileInputStream(file.toFile())) {
      bytes = in.readAllBytes();
    } catch (java.io.FileNotFoundException e) {
      if (!file.toFile().exists()) {
        throw new ConfigurationException(file + " does not exist. Check the path.", e);
      }
      throw new ConfigurationException("Cannot read " + file + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new ConfigurationException("Cannot read " + file + ": " + e.getMessage(), e);
    }
    try (JsonParser parser = FACTORY.createParser(bytes)) {
      return readValue(parser);
    } catch (JsonProcessingException e) {
      throw new ConfigurationException(
          file + " is not valid JSON (line "
              + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()
              + "): " + e.getOriginalMessage() + ". Fix the file and run again.", e);
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
    if (node.isValueNode() && !JACKSON_NODE.get(node.getClass())) {
      // a value node of its own kind (a number or text kept as its source spelled it) writes itself
      ((com.fasterxml.jackson.databind.node.BaseJsonNode) node).serialize(generator, null);
      return;
    }
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
      case POJO -> {
        if (generator.getCodec() == null) {
          generator.setCodec(mapper());
        }
        generator.writeObject(((com.fasterxml.jackson.databind.node.POJONode) node).getPojo());
      }
    }
  }

  /** Whether a node class is one of Jackson's own, which {@link #writeTree} writes by their values. */
  private static final ClassValue<Boolean> JACKSON_NODE = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> type) {
      return type.getName().startsWith("com.fasterxml.jackson.databind.node.");
    }
  };

  /** Compact JSON text of a node (plain decimals, no exponents). */
  public static String write(JsonNode node) {
    java.io.StringWriter text = new java.io.StringWriter();
    try (JsonGenerator generator = FACTORY.createGenerator(text)) {
      generator.enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
      writeTree(generator, node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  /** Indented JSON text of a node, for files people read. */
  public static String writePretty(JsonNode node) {
    try {
      return mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
