package dev.tapline.tap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.CompactFields;
import dev.tapline.spec.Json;
import dev.tapline.spec.Timestamps;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The tap's stdout: SCHEMA, RECORD and STATE lines in the strict form of {@link
 * dev.tapline.spec.MessageWriter} (upper-case types, {@code key_properties} always present,
 * {@code time_extracted} in UTC with {@code Z}, numbers exactly as held, UTF-8).
 *
 * <p>RECORD lines are encoded here directly into a byte buffer (the envelope and property names
 * prepared once, {@link PlainTextNode}s and {@link DecimalTextNode}s copied as they are); SCHEMA
 * and STATE lines go through Jackson. Flushed after each STATE and at the end. Not thread-safe.
 */
final class MessageOutput implements AutoCloseable {

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

  private final OutputStream out;
  private byte[] buffer = new byte[1 << 17];
  private int count;
  private String recordStream;
  private byte[] recordPrefix;
  private Instant lastExtracted;
  private Long lastVersion;
  private byte[] extractedSuffix;
  private String[] recentNames = new String[32];
  private byte[][] recentEncodedNames = new byte[32][];

  MessageOutput(OutputStream out) {
    this.out = out;
  }

  void writeSchema(String stream, ObjectNode schema, List<String> keys, List<String> bookmarks) {
    ObjectNode message = Json.object();
    message.put("type", "SCHEMA");
    message.put("stream", stream);
    message.set("schema", schema);
    ArrayNode keyArray = message.putArray("key_properties");
    keys.forEach(keyArray::add);
    if (!bookmarks.isEmpty()) {
      ArrayNode bookmarkArray = message.putArray("bookmark_properties");
      bookmarks.forEach(bookmarkArray::add);
    }
    writeLine(message);
  }

  void writeState(JsonNode value) {
    ObjectNode message = Json.object();
    message.put("type", "STATE");
    message.set("value", value);
    writeLine(message);
    flush();
  }

  private void writeLine(ObjectNode message) {
    // Json.write, not the mapper: building an ObjectMapper costs a tap's start ~0.1-0.2 s
    append(Json.write(message).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    ensure(1);
    buffer[count++] = '\n';
  }

  /** Writes {@code {"type": "ACTIVATE_VERSION", "stream": ..., "version": ...}}. */
  void writeActivateVersion(String stream, long version) {
    ObjectNode message = Json.object();
    message.put("type", "ACTIVATE_VERSION");
    message.put("stream", stream);
    message.put("version", version);
    writeLine(message);
  }

  void writeRecord(String stream, ObjectNode record, Instant timeExtracted) {
    writeRecord(stream, record, timeExtracted, null);
  }

  /** A RECORD line; {@code version} (the table version of a full copy) is left out when null. */
  void writeRecord(String stream, ObjectNode record, Instant timeExtracted, Long version) {
    if (!stream.equals(recordStream)) {
      recordStream = stream;
      recordPrefix = ("{\"type\":\"RECORD\",\"stream\":" + quoted(stream) + ",\"record\":")
          .getBytes(StandardCharsets.UTF_8);
    }
    if (!timeExtracted.equals(lastExtracted) || !Objects.equals(version, lastVersion)) {
      lastExtracted = timeExtracted;
      lastVersion = version;
      extractedSuffix = ((version == null ? "" : ",\"version\":" + version)
          + ",\"time_extracted\":\"" + Timestamps.format(timeExtracted) + "\"}\n")
          .getBytes(StandardCharsets.US_ASCII);
    }
    append(recordPrefix);
    if (record instanceof LazyObjectNode lazy && lazy.isUnread()) {
      writeRaw(lazy.tape(), lazy.container());
    } else {
      writeRecordFields(record);
    }
    append(extractedSuffix);
  }

  /**
   * Writes a record object. Its property names are encoded once and reused by position while the
   * records share their name instances (as {@link RecordLayout} records do).
   */
  private void writeRecordFields(ObjectNode record) {
    ensure(1);
    buffer[count++] = '{';
    if (record instanceof LazyObjectNode lazy && lazy.readMembers() != null) {
      CompactFields members = lazy.readMembers();
      for (int position = 0, size = members.size(); position < size; position++) {
        writeRecordField(position, members.nameAt(position), members.valueAt(position));
      }
    } else {
      int position = 0;
      for (Map.Entry<String, JsonNode> field : record.properties()) {
        writeRecordField(position++, field.getKey(), field.getValue());
      }
    }
    ensure(1);
    buffer[count++] = '}';
  }

  private void writeRecordField(int position, String name, JsonNode value) {
    if (position >= recentNames.length) {
      recentNames = Arrays.copyOf(recentNames, position * 2);
      recentEncodedNames = Arrays.copyOf(recentEncodedNames, position * 2);
    }
    byte[] encoded = recentEncodedNames[position];
    if (recentNames[position] != name) {
      encoded = (quoted(name) + ":").getBytes(StandardCharsets.UTF_8);
      recentNames[position] = name;
      recentEncodedNames[position] = encoded;
    }
    ensure(encoded.length + 1);
    if (position > 0) {
      buffer[count++] = ',';
    }
    System.arraycopy(encoded, 0, buffer, count, encoded.length);
    count += encoded.length;
    writeValue(value);
  }

  /** A JSON string literal, quotes included. */
  private static String quoted(String text) {
    return Json.write(Json.NODES.textNode(text));
  }

  private void writeValue(JsonNode node) {
    if (node instanceof PlainTextNode plain) {
      int length = plain.length();
      ensure(length + 2);
      buffer[count++] = '"';
      System.arraycopy(plain.bytes(), plain.offset(), buffer, count, length);
      count += length;
      buffer[count++] = '"';
      return;
    }
    if (node instanceof DecimalTextNode decimal) {
      writeAscii(decimal.text());
      return;
    }
    if (node instanceof LazyObjectNode lazy && lazy.isUnread()) {
      writeRaw(lazy.tape(), lazy.container());
      return;
    }
    if (node instanceof LazyArrayNode lazy && lazy.isUnread()) {
      writeRaw(lazy.tape(), lazy.container());
      return;
    }
    switch (node.getNodeType()) {
      case STRING -> writeString(node.textValue());
      case NUMBER -> {
        switch (node.numberType()) {
          case INT, LONG -> writeLong(node.longValue());
          case BIG_INTEGER -> writeAscii(node.bigIntegerValue().toString());
          case BIG_DECIMAL -> writeDecimal(node.decimalValue());
          case FLOAT, DOUBLE -> writeAscii(Double.isFinite(node.doubleValue())
              ? String.valueOf(node.doubleValue()) : "null");
        }
      }
      case BOOLEAN -> append(node.booleanValue() ? TRUE : FALSE);
      case NULL, MISSING -> append(NULL);
      case OBJECT -> {
        ensure(1);
        buffer[count++] = '{';
        if (node instanceof LazyObjectNode lazy && lazy.readMembers() != null) {
          CompactFields members = lazy.readMembers();
          for (int i = 0, size = members.size(); i < size; i++) {
            writeMember(i, members.nameAt(i), members.valueAt(i));
          }
        } else {
          int i = 0;
          for (Map.Entry<String, JsonNode> field : node.properties()) {
            writeMember(i++, field.getKey(), field.getValue());
          }
        }
        ensure(1);
        buffer[count++] = '}';
      }
      case ARRAY -> {
        ensure(1);
        buffer[count++] = '[';
        for (int i = 0; i < node.size(); i++) {
          if (i > 0) {
            ensure(1);
            buffer[count++] = ',';
          }
          writeValue(node.get(i));
        }
        ensure(1);
        buffer[count++] = ']';
      }
      case BINARY -> writeBinary(node);
      case POJO -> {
        try {
          append(Json.mapper().writeValueAsBytes(node));
        } catch (JsonProcessingException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  /**
   * An object or array of a checked JSON text, as its bytes; whitespace outside strings is left
   * out (a pretty-printed response must not break the line).
   */
  private void writeRaw(JsonTape tape, int container) {
    byte[] source = tape.bytes;
    int from = tape.starts[container];
    int length = tape.ends[container] + 1 - from;
    ensure(length);
    if (!tape.spaced) {
      System.arraycopy(source, from, buffer, count, length);
      count += length;
      return;
    }
    byte[] target = buffer;
    int at = count;
    boolean inString = false;
    for (int i = from, end = from + length; i < end; i++) {
      byte b = source[i];
      if (inString) {
        target[at++] = b;
        if (b == '\\') {
          target[at++] = source[++i];
        } else if (b == '"') {
          inString = false;
        }
      } else if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        target[at++] = b;
        inString = b == '"';
      }
    }
    count = at;
  }

  private void writeMember(int index, String name, JsonNode value) {
    if (index > 0) {
      ensure(1);
      buffer[count++] = ',';
    }
    writeString(name);
    ensure(1);
    buffer[count++] = ':';
    writeValue(value);
  }

  private void writeBinary(JsonNode node) {
    try {
      writeAscii("\"" + Base64.getEncoder().encodeToString(node.binaryValue()) + "\"");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void writeDecimal(BigDecimal value) {
    writeAscii(value.toPlainString());
  }

  private void writeLong(long value) {
    if (value == Long.MIN_VALUE) {
      writeAscii(Long.toString(value));
      return;
    }
    ensure(20);
    if (value < 0) {
      buffer[count++] = '-';
      value = -value;
    }
    int digits = 1;
    for (long rest = value / 10; rest > 0; rest /= 10) {
      digits++;
    }
    int end = count + digits;
    for (int i = end - 1; i >= count; i--) {
      buffer[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    count = end;
  }

  /** Text known to be ASCII without anything to escape (numbers, prepared fragments). */
  private void writeAscii(String text) {
    int length = text.length();
    ensure(length);
    for (int i = 0; i < length; i++) {
      buffer[count++] = (byte) text.charAt(i);
    }
  }

  /** A JSON string: quotes, backslash and control characters escaped, the rest as UTF-8. */
  private void writeString(String text) {
    int length = text.length();
    ensure(length * 6 + 2);
    byte[] bytes = buffer;
    int at = count;
    bytes[at++] = '"';
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c != '"' && c != '\\') {
          bytes[at++] = (byte) c;
          continue;
        }
        bytes[at++] = '\\';
        switch (c) {
          case '"' -> bytes[at++] = '"';
          case '\\' -> bytes[at++] = '\\';
          case '\n' -> bytes[at++] = 'n';
          case '\r' -> bytes[at++] = 'r';
          case '\t' -> bytes[at++] = 't';
          case '\b' -> bytes[at++] = 'b';
          case '\f' -> bytes[at++] = 'f';
          default -> {
            bytes[at++] = 'u';
            bytes[at++] = '0';
            bytes[at++] = '0';
            bytes[at++] = HEX[c >> 4];
            bytes[at++] = HEX[c & 0xF];
          }
        }
      } else if (c < 0x800) {
        bytes[at++] = (byte) (0xC0 | (c >> 6));
        bytes[at++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c) && i + 1 < length
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        int codePoint = Character.toCodePoint(c, text.charAt(++i));
        bytes[at++] = (byte) (0xF0 | (codePoint >> 18));
        bytes[at++] = (byte) (0x80 | ((codePoint >> 12) & 0x3F));
        bytes[at++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
        bytes[at++] = (byte) (0x80 | (codePoint & 0x3F));
      } else if (Character.isSurrogate(c)) {
        // a lone surrogate cannot be UTF-8; the JSON escape keeps it
        bytes[at++] = '\\';
        bytes[at++] = 'u';
        bytes[at++] = HEX[c >> 12];
        bytes[at++] = HEX[(c >> 8) & 0xF];
        bytes[at++] = HEX[(c >> 4) & 0xF];
        bytes[at++] = HEX[c & 0xF];
      } else {
        bytes[at++] = (byte) (0xE0 | (c >> 12));
        bytes[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        bytes[at++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    bytes[at++] = '"';
    count = at;
  }

  private void append(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buffer, count, bytes.length);
    count += bytes.length;
  }

  /** Makes room for {@code needed} more bytes: flushes, and grows the buffer for huge values. */
  private void ensure(int needed) {
    if (count + needed <= buffer.length) {
      return;
    }
    drain();
    if (needed > buffer.length) {
      buffer = new byte[Math.max(needed, buffer.length * 2)];
    }
  }

  private void drain() {
    if (count == 0) {
      return;
    }
    try {
      out.write(buffer, 0, count);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write messages to stdout: " + e.getMessage(), e);
    }
    count = 0;
  }

  void flush() {
    drain();
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write messages to stdout: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    flush();
  }
}
