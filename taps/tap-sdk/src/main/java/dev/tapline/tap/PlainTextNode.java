package dev.tapline.tap;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonToken;
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

  private final byte[] utf8;
  private transient String text;

  /** A node over {@code utf8}, which is taken over, not copied. */
  public PlainTextNode(byte[] utf8) {
    this.utf8 = Objects.requireNonNull(utf8, "utf8");
  }

  /** The UTF-8 bytes; do not change them. */
  public byte[] utf8() {
    return utf8;
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
      decoded = new String(utf8, StandardCharsets.UTF_8);
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
    generator.writeRawUTF8String(utf8, 0, utf8.length);
  }

  @Override
  public boolean equals(Object other) {
    if (other == this) {
      return true;
    }
    if (other instanceof PlainTextNode node) {
      return java.util.Arrays.equals(utf8, node.utf8);
    }
    return other instanceof TextNode node && textValue().equals(node.textValue());
  }

  @Override
  public int hashCode() {
    return textValue().hashCode();
  }
}
