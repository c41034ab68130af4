package dev.tapline.tap;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.UTF8JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.node.ValueNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A JSON string held as the UTF-8 bytes it was read as, when those bytes need no JSON escaping,
 * so the tap writes them as they are instead of building and encoding a {@code String}. It reads
 * like any text node ({@link #textValue()} decodes once, lazily).
 *
 * <p>The caller promises valid UTF-8 with no control character (below U+0020), quote or
 * backslash; the constructor does not check (the caller has, while reading the bytes).
 */
public final class PlainTextNode extends ValueNode {

  private static final long serialVersionUID = 1L;

  private final byte[] bytes;
  private final int offset;
  private final int length;
  private transient String text;

  /** A node over all of {@code utf8}, which is taken over, not copied. */
  public PlainTextNode(byte[] utf8) {
    this(utf8, 0, utf8.length);
  }

  /**
   * A node over {@code length} bytes of {@code bytes} from {@code offset}; the array is shared,
   * not copied, and must not change afterwards (a parser can hand out slices of a chunk it never
   * reuses).
   */
  public PlainTextNode(byte[] bytes, int offset, int length) {
    this.bytes = Objects.requireNonNull(bytes, "bytes");
    Objects.checkFromIndexSize(offset, length, bytes.length);
    this.offset = offset;
    this.length = length;
  }

  /** The array holding the UTF-8 bytes; read {@link #length()} bytes from {@link #offset()}. */
  public byte[] bytes() {
    return bytes;
  }

  public int offset() {
    return offset;
  }

  public int length() {
    return length;
  }

  @Override
  public JsonNodeType getNodeType() {
    return JsonNodeType.STRING;
  }

  @Override
  public JsonToken asToken() {
    return JsonToken.VALUE_STRING;
  }

  @Override
  public String textValue() {
    String decoded = text;
    if (decoded == null) {
      decoded = new String(bytes, offset, length, StandardCharsets.UTF_8);
      text = decoded;
    }
    return decoded;
  }

  @Override
  public String asText() {
    return textValue();
  }

  @Override
  public void serialize(JsonGenerator generator, SerializerProvider provider) throws IOException {
    if (generator instanceof UTF8JsonGenerator) {
      generator.writeRawUTF8String(bytes, offset, length);
    } else {
      // generators writing to a String or Writer (toString, Json.write) cannot take raw bytes
      generator.writeString(textValue());
    }
  }

  @Override
  public boolean equals(Object other) {
    if (other == this) {
      return true;
    }
    if (other instanceof PlainTextNode node) {
      return java.util.Arrays.equals(bytes, offset, offset + length, node.bytes, node.offset,
          node.offset + node.length);
    }
    return other instanceof TextNode node && textValue().equals(node.textValue());
  }

  @Override
  public int hashCode() {
    return textValue().hashCode();
  }
}
