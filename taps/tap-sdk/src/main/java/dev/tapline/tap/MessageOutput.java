package dev.tapline.tap;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.Timestamps;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The tap's stdout: SCHEMA, RECORD and STATE lines in the strict form of {@link
 * dev.tapline.spec.MessageWriter}, with a faster RECORD path (the envelope is written as prepared
 * bytes, {@link DecimalTextNode}s as their digits). Flushed after each STATE. Not thread-safe.
 */
final class MessageOutput implements AutoCloseable {

  private final OutputStream out;
  private final JsonGenerator generator;
  private String recordStream;
  private SerializableString recordPrefix;
  private Instant lastExtracted;
  private SerializableString extractedSuffix;
  private String[] recentNames = new String[32];
  private SerializableString[] recentEncodedNames = new SerializableString[32];

  MessageOutput(OutputStream target) {
    this.out = new BufferedOutputStream(target, 1 << 17);
    try {
      this.generator = Json.MAPPER.createGenerator(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    generator.setRootValueSeparator(null);
    generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    generator.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
    generator.enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
  }

  void writeSchema(String stream, ObjectNode schema, List<String> keys, List<String> bookmarks) {
    try {
      generator.writeStartObject();
      generator.writeStringField("type", "SCHEMA");
      generator.writeStringField("stream", stream);
      generator.writeFieldName("schema");
      writeNode(schema);
      writeStrings("key_properties", keys);
      if (!bookmarks.isEmpty()) {
        writeStrings("bookmark_properties", bookmarks);
      }
      generator.writeEndObject();
      generator.writeRaw('\n');
    } catch (IOException e) {
      throw failed(e);
    }
  }

  void writeRecord(String stream, ObjectNode record, Instant timeExtracted) {
    try {
      if (!stream.equals(recordStream)) {
        recordStream = stream;
        recordPrefix = new SerializedString("{\"type\":\"RECORD\",\"stream\":\""
            + new String(new SerializedString(stream).asQuotedChars()) + "\",\"record\":");
      }
      if (!timeExtracted.equals(lastExtracted)) {
        lastExtracted = timeExtracted;
        extractedSuffix = new SerializedString(
            ",\"time_extracted\":\"" + Timestamps.format(timeExtracted) + "\"}\n");
      }
      generator.writeRaw(recordPrefix);
      writeRecordFields(record);
      generator.writeRaw(extractedSuffix);
    } catch (IOException e) {
      throw failed(e);
    }
  }

  void writeState(JsonNode value) {
    try {
      generator.writeStartObject();
      generator.writeStringField("type", "STATE");
      generator.writeFieldName("value");
      writeNode(value);
      generator.writeEndObject();
      generator.writeRaw('\n');
    } catch (IOException e) {
      throw failed(e);
    }
    flush();
  }

  private void writeStrings(String field, List<String> values) throws IOException {
    generator.writeArrayFieldStart(field);
    for (String value : values) {
      generator.writeString(value);
    }
    generator.writeEndArray();
  }

  /**
   * Writes a record object. Its property names are encoded once and reused by position while the
   * records share their name instances (as {@link RecordLayout} records do).
   */
  private void writeRecordFields(ObjectNode record) throws IOException {
    generator.writeStartObject();
    int position = 0;
    for (Map.Entry<String, JsonNode> field : record.properties()) {
      String name = field.getKey();
      if (position >= recentNames.length) {
        recentNames = java.util.Arrays.copyOf(recentNames, position * 2);
        recentEncodedNames = java.util.Arrays.copyOf(recentEncodedNames, position * 2);
      }
      SerializableString encoded = recentEncodedNames[position];
      if (recentNames[position] != name) {
        encoded = new SerializedString(name);
        recentNames[position] = name;
        recentEncodedNames[position] = encoded;
      }
      generator.writeFieldName(encoded);
      writeNode(field.getValue());
      position++;
    }
    generator.writeEndObject();
  }

  private void writeNode(JsonNode node) throws IOException {
    if (node instanceof PlainTextNode plain) {
      byte[] utf8 = plain.utf8();
      generator.writeRawUTF8String(utf8, 0, utf8.length);
      return;
    }
    switch (node.getNodeType()) {
      case OBJECT -> {
        generator.writeStartObject();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
          generator.writeFieldName(field.getKey());
          writeNode(field.getValue());
        }
        generator.writeEndObject();
      }
      case ARRAY -> {
        generator.writeStartArray();
        for (JsonNode item : node) {
          writeNode(item);
        }
        generator.writeEndArray();
      }
      case STRING -> generator.writeString(node.textValue());
      case NUMBER -> {
        if (node instanceof DecimalTextNode text) {
          generator.writeNumber(text.text());
          return;
        }
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

  void flush() {
    try {
      generator.flush();
      out.flush();
    } catch (IOException e) {
      throw failed(e);
    }
  }

  @Override
  public void close() {
    flush();
  }

  private static UncheckedIOException failed(IOException e) {
    return new UncheckedIOException("Cannot write messages to stdout: " + e.getMessage(), e);
  }
}
