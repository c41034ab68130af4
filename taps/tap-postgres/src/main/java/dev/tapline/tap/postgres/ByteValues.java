package dev.tapline.tap.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.tapline.spec.Json;
import dev.tapline.tap.DecimalTextNode;
import dev.tapline.tap.PlainTextNode;
import dev.tapline.tap.jdbc.ColumnReader;
import java.nio.charset.StandardCharsets;

/**
 * Column readers of the query path for the common types, working on the UTF-8 bytes pgjdbc
 * received (text protocol) instead of a decoded {@code String}: the per-value work of a full-table
 * read. Anything unusual (infinities, years past 9999, other zones) falls back to {@link TextValue}.
 */
final class ByteValues {

  private ByteValues() {}

  /** Converts the UTF-8 text of one value. */
  @FunctionalInterface
  interface BytesValue {
    JsonNode convert(byte[] utf8);
  }

  /** The byte-level form of a converter: its own for the common types, else through a String. */
  static BytesValue of(TextValue converter) {
    if (converter == TextValue.STRING) {
      return ByteValues::string;
    }
    if (converter == TextValue.INTEGER) {
      return ByteValues::integer;
    }
    if (converter == TextValue.DECIMAL) {
      return ByteValues::decimal;
    }
    if (converter == TextValue.BOOLEAN) {
      return bytes -> BooleanNode.valueOf(bytes[0] == 't');
    }
    if (converter == TextValue.TIMESTAMP_WITH_TIME_ZONE) {
      return bytes -> timestamp(bytes, true);
    }
    if (converter == TextValue.TIMESTAMP) {
      return bytes -> timestamp(bytes, false);
    }
    if (converter == TextValue.DATE) {
      return bytes -> bytes.length == 10 && bytes[4] == '-'
          ? new PlainTextNode(bytes) : converter.convert(ascii(bytes));
    }
    return bytes -> converter.convert(new String(bytes, StandardCharsets.UTF_8));
  }

  /** The reader of a column with this converter, on the bytes pgjdbc received. */
  static ColumnReader reader(TextValue converter) {
    if (converter == TextValue.BYTEA) {
      // pgjdbc's getBytes decodes bytea; its text form is what the converter reads
      return (row, index) -> {
        String text = row.getString(index);
        return text == null ? NullNode.getInstance() : converter.convert(text);
      };
    }
    BytesValue value = of(converter);
    return (row, index) -> {
      byte[] bytes = row.getBytes(index);
      return bytes == null ? NullNode.getInstance() : value.convert(bytes);
    };
  }

  /** Text as its bytes when JSON needs no escape in them, else as a string. */
  static JsonNode string(byte[] bytes) {
    for (byte b : bytes) {
      if ((b >= 0 && b < 0x20) || b == '"' || b == '\\') {
        return Json.NODES.textNode(new String(bytes, StandardCharsets.UTF_8));
      }
    }
    return new PlainTextNode(bytes);
  }

  static JsonNode integer(byte[] bytes) {
    int length = bytes.length;
    if (length > 18) {
      return Json.NODES.numberNode(Long.parseLong(ascii(bytes)));
    }
    boolean negative = bytes[0] == '-';
    long value = 0;
    for (int i = negative ? 1 : 0; i < length; i++) {
      value = value * 10 + (bytes[i] - '0');
    }
    return Json.NODES.numberNode(negative ? -value : value);
  }

  static JsonNode decimal(byte[] bytes) {
    byte first = bytes[0];
    if (first == 'N' || first == 'I' || (first == '-' && bytes.length > 1 && bytes[1] == 'I')) {
      return NullNode.getInstance();
    }
    return new DecimalTextNode(ascii(bytes));
  }

  /**
   * {@code 2024-01-02 03:04:05.123456+00} as {@code 2024-01-02T03:04:05.123456Z} (UTC sessions
   * write {@code +00}); without time zone, {@code Z} is appended.
   */
  static JsonNode timestamp(byte[] bytes, boolean withZone) {
    int length = bytes.length;
    if (length < 19 || bytes[10] != ' ' || bytes[4] != '-') {
      return TextValue.timestamp(ascii(bytes), withZone);
    }
    if (withZone) {
      if (bytes[length - 3] != '+' || bytes[length - 2] != '0' || bytes[length - 1] != '0') {
        return TextValue.timestamp(ascii(bytes), true);
      }
      byte[] iso = new byte[length - 2];
      System.arraycopy(bytes, 0, iso, 0, length - 3);
      iso[10] = 'T';
      iso[length - 3] = 'Z';
      return new PlainTextNode(iso);
    }
    if (bytes[length - 1] == 'C') { // " BC"
      return TextValue.timestamp(ascii(bytes), false);
    }
    byte[] iso = new byte[length + 1];
    System.arraycopy(bytes, 0, iso, 0, length);
    iso[10] = 'T';
    iso[length] = 'Z';
    return new PlainTextNode(iso);
  }

  private static String ascii(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }
}
