package dev.tapline.spec;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads Singer messages, one JSON object a line.
 *
 * <p>Lenient in what it accepts: the {@code type} in any letter case, unknown types skipped with a
 * warning, {@code key_properties} missing (read as empty) or found inside {@code schema}, any RFC
 * 3339 timestamp, blank lines and {@code \r\n} line ends. Strict in what it reports: a line that is
 * not a valid message is a {@link ProtocolException} naming the line number and showing the start
 * of the line.
 *
 * <p>Not thread-safe. The caller closes the input stream.
 */
public final class MessageReader implements Closeable {

  private static final int SHOWN_CHARACTERS = 120;

  private final InputStream in;
  private final Consumer<String> warnings;
  private byte[] buffer = new byte[1 << 16];
  private int position;
  private int limit;
  private boolean endOfInput;
  private byte[] line = new byte[1 << 12];
  private int lineLength;
  private long lineNumber;
  private long bytesRead;
  private final ParseContext context = new ParseContext();

  /** A reader whose warnings go to stderr. */
  public MessageReader(InputStream in) {
    this(in, warning -> System.err.println("WARNING " + warning));
  }

  /** A reader that hands warnings (such as skipped unknown message types) to {@code warnings}. */
  public MessageReader(InputStream in, Consumer<String> warnings) {
    this.in = in;
    this.warnings = warnings;
    warmUp();
  }

  private static final AtomicBoolean WARMED_UP = new AtomicBoolean();

  /** One line of every kind the parser handles: message types, value types, optional fields. */
  private static final String[] WARM_UP_LINES = {
    "{\"type\":\"SCHEMA\",\"stream\":\"s\",\"schema\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":[\"null\",\"integer\"]}}},"
        + "\"key_properties\":[\"a\"],\"bookmark_properties\":[\"b\"]}",
    "{\"type\":\"RECORD\",\"stream\":\"s\",\"record\":{\"a\":1,\"b\":\"t\\u00e9\\n\",\"c\":2.50,\"d\":12345678901,"
        + "\"e\":123456789012345678901234567890,\"f\":true,\"g\":false,\"h\":null,\"i\":[1,\"x\",{\"j\":[]}],\"k\":{},"
        + "\"l\":1e3},\"time_extracted\":\"2024-01-02T03:04:05.123456Z\",\"version\":7}",
    "{\"type\":\"RECORD\",\"stream\":\"s\",\"record\":{\"a\":2},\"time_extracted\":\"2024-01-02T03:04:05+01:00\"}",
    "{\"type\":\"RECORD\",\"record\":{},\"stream\":\"s\",\"other\":{\"x\":[1]}}",
    "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"s\":{\"a\":1}}}}",
    "{\"type\":\"ACTIVATE_VERSION\",\"stream\":\"s\",\"version\":7}",
    "{\"type\":\"BATCH\",\"stream\":\"s\",\"encoding\":{\"format\":\"jsonl\",\"compression\":\"gzip\"},"
        + "\"manifest\":[\"file:///tmp/a.jsonl.gz\"]}",
    "{\"type\":\"NOTHING_WE_KNOW\",\"stream\":\"s\"}",
  };

  /**
   * Parses one line of every kind a few times, once per process (later calls return at once; a
   * caller may run it early on a thread of its own), so that the JIT's profile of the
   * parser has seen every branch: otherwise the first STATE or a first large number deep into a
   * run throws the compiled parser away and compiles it again (each compile of this large method
   * costs a couple of hundred milliseconds of CPU).
   */
  public static void warmUp() {
    if (!WARMED_UP.compareAndSet(false, true)) {
      return;
    }
    ParseContext context = new ParseContext();
    Consumer<String> ignored = warning -> { };
    for (int round = 0; round < 4; round++) {
      for (String text : WARM_UP_LINES) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        context.recordStart = -1;
        parse(bytes, 0, bytes.length, 1, ignored, context);
      }
    }
  }

  /**
   * The next message, or {@code null} at the end of the input.
   *
   * @throws ProtocolException when a line is not a valid Singer message
   * @throws UncheckedIOException when the input cannot be read
   */
  public Message next() {
    while (advance()) {
      Message message = parseLine();
      if (message != null) {
        return message;
      }
    }
    return null;
  }

  private int lineStart;
  private int lineEnd;

  /**
   * Moves to the next non-blank line without parsing it, for callers that look at a line's bytes
   * first ({@link #lineBytes()}, {@link #lineStart()}, {@link #lineEnd()}) and then either parse
   * it with {@link #parseLine()} or handle it themselves. False at the end of the input.
   *
   * @throws UncheckedIOException when the input cannot be read
   */
  public boolean advance() {
    while (readLine()) {
      int start = 0;
      int end = lineLength;
      while (start < end && isBlank(line[start])) start++;
      while (end > start && isBlank(line[end - 1])) end--;
      if (start < end) {
        lineStart = start;
        lineEnd = end;
        context.recordStart = -1;
        return true;
      }
    }
    return false;
  }

  /** The buffer holding the line {@link #advance()} moved to; valid until the next advance. */
  public byte[] lineBytes() {
    return line;
  }

  /** Where the current line starts in {@link #lineBytes()}, blanks left out. */
  public int lineStart() {
    return lineStart;
  }

  /** Where the current line ends (exclusive) in {@link #lineBytes()}, blanks left out. */
  public int lineEnd() {
    return lineEnd;
  }

  /**
   * Parses the line {@link #advance()} moved to, as {@link #next()} does.
   *
   * @return the message, or null for a message of an unknown type (skipped with a warning)
   * @throws ProtocolException when the line is not a valid message
   */
  public Message parseLine() {
    context.recordStart = -1;
    return parse(line, lineStart, lineEnd - lineStart, lineNumber, warnings, context);
  }

  /**
   * The next non-blank line as text, or {@code null} at the end; for tools that look at lines
   * before they become messages (the stream checker).
   */
  public String nextLine() {
    while (readLine()) {
      String text = new String(line, 0, lineLength, StandardCharsets.UTF_8).strip();
      if (!text.isEmpty()) {
        return text;
      }
    }
    return null;
  }

  /** The number of the line last read, counting from 1. */
  public long lineNumber() {
    return lineNumber;
  }

  /** Bytes consumed so far, line ends included. */
  public long bytesRead() {
    return bytesRead;
  }

  /**
   * The exact bytes of the {@code record} object of the last message read when it was a RECORD (as
   * the tap wrote them: numbers, escapes and key order untouched), or null. A copy.
   */
  public byte[] lastRecordJson() {
    if (context.recordStart < 0) {
      return null;
    }
    return Arrays.copyOfRange(line, context.recordStart, context.recordEnd);
  }

  /** The size in bytes of the line last read. */
  public int lastLineLength() {
    return lineLength;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private static boolean isBlank(byte b) {
    return b == ' ' || b == '\t' || b == '\r' || b == '\n';
  }

  private boolean readLine() {
    lineLength = 0;
    boolean any = false;
    while (true) {
      if (position >= limit) {
        if (endOfInput || !fill()) {
          if (any) {
            lineNumber++;
          }
          return any;
        }
      }
      any = true;
      int start = position;
      int newline = indexOfNewline(buffer, start, limit);
      int end = newline >= 0 ? newline : limit;
      append(start, end - start);
      if (newline >= 0) {
        position = newline + 1;
        bytesRead += end - start + 1;
        lineNumber++;
        return true;
      }
      bytesRead += end - start;
      position = limit;
    }
  }

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
  private static final long LOW_BITS = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;

  /** The index of the first {@code '\n'} in {@code bytes[from, to)}, or -1; eight bytes at a time. */
  static int indexOfNewline(byte[] bytes, int from, int to) {
    int i = from;
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      long word = (long) LONGS.get(bytes, i) ^ NEWLINES;
      long found = (word - LOW_BITS) & ~word & HIGH_BITS;
      if (found != 0) {
        return i + (Long.numberOfTrailingZeros(found) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private void append(int start, int length) {
    if (lineLength + length > line.length) {
      byte[] bigger = new byte[Math.max(line.length * 2, lineLength + length)];
      System.arraycopy(line, 0, bigger, 0, lineLength);
      line = bigger;
    }
    System.arraycopy(buffer, start, line, lineLength, length);
    lineLength += length;
  }

  private boolean fill() {
    try {
      int n = in.read(buffer, 0, buffer.length);
      if (n < 0) {
        endOfInput = true;
        return false;
      }
      position = 0;
      limit = n;
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the input: " + e.getMessage(), e);
    }
  }

  /**
   * Parses one line into a message.
   *
   * @return the message, or {@code null} when the line is of a type this reader does not know (a
   *     warning is handed to {@code warnings})
   * @throws ProtocolException when the line is not a valid message
   */
  public static Message parse(
      byte[] bytes, int offset, int length, long lineNumber, Consumer<String> warnings) {
    return parse(bytes, offset, length, lineNumber, warnings, new ParseContext());
  }

  /**
   * What one reader keeps between lines: the last {@code time_extracted} text and its instant
   * (consecutive records usually share it), and where the last record object lay in the line.
   */
  private static final class ParseContext {
    private String text;
    private Instant instant;
    private int recordStart = -1;
    private int recordEnd;

    Instant parse(String value) {
      if (!value.equals(text)) {
        instant = Timestamps.parse(value);
        text = value;
      }
      return instant;
    }
  }

  private static Message parse(
      byte[] bytes, int offset, int length, long lineNumber, Consumer<String> warnings, ParseContext context) {
    String type = null;
    String stream = null;
    JsonNode record = null;
    JsonNode schema = null;
    JsonNode keyProperties = null;
    JsonNode bookmarkProperties = null;
    String timeExtracted = null;
    JsonNode version = null;
    JsonNode value = null;
    JsonNode encoding = null;
    JsonNode manifest = null;
    try (JsonParser parser = Json.factory().createParser(bytes, offset, length)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw problem(lineNumber, "is not a JSON object", bytes, offset, length, null);
      }
      String field;
      while ((field = parser.nextFieldName()) != null) {
        JsonToken token = parser.nextToken();
        switch (field) {
          case "type" -> type = token == JsonToken.VALUE_STRING ? parser.getText() : null;
          case "stream" -> stream = token == JsonToken.VALUE_STRING ? parser.getText() : null;
          case "record" -> {
            long recordStart = parser.currentTokenLocation().getByteOffset();
            record = readTree(parser);
            if (token == JsonToken.START_OBJECT && recordStart >= 0) {
              context.recordStart = offset + (int) recordStart;
              context.recordEnd = offset + (int) parser.currentLocation().getByteOffset();
            }
          }
          case "schema" -> schema = readOtherTree(parser);
          case "key_properties" -> keyProperties = readOtherTree(parser);
          case "bookmark_properties" -> bookmarkProperties = readOtherTree(parser);
          case "time_extracted" ->
              timeExtracted = token == JsonToken.VALUE_STRING ? parser.getText() : null;
          case "version" -> version = readOtherTree(parser);
          case "value" -> value = readOtherTree(parser);
          case "encoding" -> encoding = readOtherTree(parser);
          case "manifest" -> manifest = readOtherTree(parser);
          default -> parser.skipChildren();
        }
      }
      if (parser.nextToken() != null) {
        throw problem(
            lineNumber, "has more after its JSON object", bytes, offset, length, null);
      }
    } catch (JsonProcessingException e) {
      // StreamReadException, and StreamConstraintsException (too deep, too long), which is not one
      throw problem(
          lineNumber,
          "is not valid JSON (" + e.getOriginalMessage().lines().findFirst().orElse("") + ")",
          bytes, offset, length, e);
    } catch (NumberFormatException e) {
      // JSON's grammar allows numbers no BigDecimal holds, such as an exponent beyond 32 bits
      throw problem(lineNumber, "has a number that cannot be read exactly (" + e.getMessage() + ")",
          bytes, offset, length, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }

    if (type == null) {
      throw problem(lineNumber, "has no \"type\" string", bytes, offset, length, null);
    }
    MessageType messageType = MessageType.parse(type);
    if (messageType == null) {
      warnings.accept("line " + lineNumber + ": skipped a message of unknown type \"" + type + "\"");
      return null;
    }
    switch (messageType) {
      case RECORD -> {
        requireStream(stream, messageType, lineNumber, bytes, offset, length);
        if (!(record instanceof ObjectNode recordObject)) {
          throw problem(lineNumber, "is a RECORD without a \"record\" object", bytes, offset, length, null);
        }
        Instant extracted = null;
        if (timeExtracted != null) {
          try {
            extracted = context.parse(timeExtracted);
          } catch (RuntimeException e) {
            throw problem(lineNumber, "has a \"time_extracted\" that is not an RFC 3339 timestamp: "
                + timeExtracted, bytes, offset, length, e);
          }
        }
        return new RecordMessage(stream, recordObject, extracted, versionOf(version, false, lineNumber, bytes, offset, length));
      }
      case SCHEMA -> {
        requireStream(stream, messageType, lineNumber, bytes, offset, length);
        if (!(schema instanceof ObjectNode schemaObject)) {
          throw problem(lineNumber, "is a SCHEMA without a \"schema\" object", bytes, offset, length, null);
        }
        if (keyProperties == null || keyProperties.isNull()) {
          keyProperties = schemaObject.get("key_properties");
        }
        return new SchemaMessage(
            stream,
            schemaObject,
            stringList(keyProperties, "key_properties", lineNumber, bytes, offset, length),
            stringList(bookmarkProperties, "bookmark_properties", lineNumber, bytes, offset, length));
      }
      case STATE -> {
        if (value == null) {
          throw problem(lineNumber, "is a STATE without a \"value\"", bytes, offset, length, null);
        }
        return new StateMessage(value);
      }
      case ACTIVATE_VERSION -> {
        requireStream(stream, messageType, lineNumber, bytes, offset, length);
        return new ActivateVersionMessage(stream, versionOf(version, true, lineNumber, bytes, offset, length));
      }
      case BATCH -> {
        requireStream(stream, messageType, lineNumber, bytes, offset, length);
        if (!(encoding instanceof ObjectNode encodingObject)) {
          throw problem(lineNumber, "is a BATCH without an \"encoding\" object", bytes, offset, length, null);
        }
        return new BatchMessage(
            stream, encodingObject, stringList(manifest, "manifest", lineNumber, bytes, offset, length));
      }
      default -> throw new IllegalStateException(messageType.name());
    }
  }

  /**
   * Builds a tree from the parser's current token. Faster than the mapper's tree reader for small
   * objects (no deserialization context per call); numbers stay exact: integers as int, long or
   * BigInteger nodes, decimals as BigDecimal nodes with their scale.
   */
  /**
   * {@link #readTree} for the fields other than {@code record}: one call site for all of them,
   * rarely taken, so that the JIT does not inline the tree reader into {@link #parse} seven more
   * times (measured: ~0.4 CPU-s less compiling per process, the parser compiled sooner).
   */
  private static JsonNode readOtherTree(JsonParser parser) throws IOException {
    return readTree(parser);
  }

  static JsonNode readTree(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == null) {
      return null;
    }
    switch (token) {
      case START_OBJECT: {
        ObjectNode object = CompactFields.objectNode();
        String name;
        while ((name = parser.nextFieldName()) != null) {
          parser.nextToken();
          object.set(name, readTree(parser));
        }
        return object;
      }
      case START_ARRAY: {
        ArrayNode array = Json.NODES.arrayNode();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          array.add(readTree(parser));
        }
        return array;
      }
      case VALUE_STRING:
        return Json.NODES.textNode(parser.getText());
      case VALUE_NUMBER_INT:
        switch (parser.getNumberType()) {
          case INT:
            return Json.NODES.numberNode(parser.getIntValue());
          case LONG:
            return Json.NODES.numberNode(parser.getLongValue());
          default:
            return Json.NODES.numberNode(parser.getBigIntegerValue());
        }
      case VALUE_NUMBER_FLOAT:
        return Json.NODES.numberNode(parser.getDecimalValue());
      case VALUE_TRUE:
        return Json.NODES.booleanNode(true);
      case VALUE_FALSE:
        return Json.NODES.booleanNode(false);
      case VALUE_NULL:
        return Json.NODES.nullNode();
      default:
        throw new JsonParseException(parser, "Unexpected token " + token);
    }
  }

  /**
   * Builds the tree of a record object from its exact JSON text, as {@link #next()} builds a
   * RECORD's record (same number nodes, same field names).
   *
   * @throws ProtocolException when the text is not one JSON object
   */
  public static ObjectNode readRecord(byte[] bytes, int offset, int length) {
    try (JsonParser parser = Json.factory().createParser(bytes, offset, length)) {
      parser.nextToken();
      if (readTree(parser) instanceof ObjectNode object && parser.nextToken() == null) {
        return object;
      }
    } catch (IOException e) {
      throw new ProtocolException("A record is not a JSON object: " + e.getMessage()
          + ". It starts: " + startOf(bytes, offset, length), 0, e);
    }
    throw new ProtocolException("A record is not a JSON object. It starts: " + startOf(bytes, offset, length), 0, null);
  }

  /** Parses one line of text; see {@link #parse(byte[], int, int, long, Consumer)}. */
  public static Message parse(String text, long lineNumber, Consumer<String> warnings) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return parse(bytes, 0, bytes.length, lineNumber, warnings);
  }

  private static void requireStream(
      String stream, MessageType type, long lineNumber, byte[] bytes, int offset, int length) {
    if (stream == null || stream.isEmpty()) {
      throw problem(lineNumber, "is a " + type + " without a \"stream\" name", bytes, offset, length, null);
    }
  }

  private static Long versionOf(
      JsonNode version, boolean required, long lineNumber, byte[] bytes, int offset, int length) {
    if (version == null || version.isNull()) {
      if (required) {
        throw problem(lineNumber, "has no \"version\" number", bytes, offset, length, null);
      }
      return null;
    }
    if (!version.isIntegralNumber() || !version.canConvertToLong()) {
      throw problem(lineNumber, "has a \"version\" that is not a whole number", bytes, offset, length, null);
    }
    return version.longValue();
  }

  private static List<String> stringList(
      JsonNode node, String field, long lineNumber, byte[] bytes, int offset, int length) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    // interned like the parser's field names, so that record lookups by these names are identity checks
    if (node.isTextual()) {
      return List.of(node.textValue().intern());
    }
    if (!(node instanceof ArrayNode array)) {
      throw problem(lineNumber, "has a \"" + field + "\" that is not a list of strings", bytes, offset, length, null);
    }
    List<String> values = new ArrayList<>(array.size());
    for (JsonNode item : array) {
      if (!item.isTextual()) {
        throw problem(lineNumber, "has a \"" + field + "\" that is not a list of strings", bytes, offset, length, null);
      }
      values.add(item.textValue().intern());
    }
    return values;
  }

  private static ProtocolException problem(
      long lineNumber, String what, byte[] bytes, int offset, int length, Throwable cause) {
    return new ProtocolException(
        "Line " + lineNumber + " " + what + ". The line starts: " + startOf(bytes, offset, length),
        lineNumber,
        cause);
  }

  /** The first characters of a line, for error messages. */
  public static String startOf(byte[] bytes, int offset, int length) {
    String text = new String(bytes, offset, Math.min(length, SHOWN_CHARACTERS * 4), StandardCharsets.UTF_8);
    if (text.length() > SHOWN_CHARACTERS) {
      return text.substring(0, SHOWN_CHARACTERS) + "...";
    }
    return text;
  }

}
