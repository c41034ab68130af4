package dev.tapline.tap.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.tapline.spec.Json;
import dev.tapline.tap.DecimalTextNode;

/**
 * Turns PostgreSQL's text output of one type into a JSON value. The same text reaches the tap from
 * a query (pgjdbc's text protocol) and from {@code pgoutput}, so one converter serves both paths.
 * The session must use {@code TimeZone=UTC}, {@code DateStyle=ISO} and {@code
 * IntervalStyle=iso_8601}.
 */
@FunctionalInterface
interface TextValue {

  /** The JSON value of a non-null text. */
  JsonNode convert(String text);

  TextValue STRING = Json.NODES::textNode;

  TextValue INTEGER = text -> Json.NODES.numberNode(Long.parseLong(text));

  /** numeric, real and double precision: exact digits; NaN and infinities have no JSON form. */
  TextValue DECIMAL = text -> {
    char first = text.charAt(0);
    if (first == 'N' || first == 'I' || (first == '-' && text.length() > 1 && text.charAt(1) == 'I')) {
      return NullNode.getInstance();
    }
    return new DecimalTextNode(text);
  };

  TextValue BOOLEAN = text -> BooleanNode.valueOf(text.equals("t") || text.equals("true"));

  TextValue TIMESTAMP_WITH_TIME_ZONE = text -> timestamp(text, true);

  TextValue TIMESTAMP = text -> timestamp(text, false);

  TextValue DATE = text -> {
    if (text.length() == 10 && text.charAt(4) == '-') {
      return Json.NODES.textNode(text);
    }
    if (text.equals("infinity")) {
      return Json.NODES.textNode("9999-12-31");
    }
    if (text.equals("-infinity")) {
      return Json.NODES.textNode("0001-01-01");
    }
    return NullNode.getInstance();
  };

  /** bytea in hex output ({@code \x0a1b}) as the hex digits alone. */
  TextValue BYTEA = text -> Json.NODES.textNode(
      text.startsWith("\\x") ? text.substring(2) : text);

  TextValue JSON = text -> {
    try {
      return Json.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  };

  /** An array of elements converted by {@code element}, nested for more dimensions. */
  static TextValue array(TextValue element) {
    return text -> new ArrayText(text, element).parse();
  }

  /**
   * {@code 2024-01-02 03:04:05.123456+00} as {@code 2024-01-02T03:04:05.123456Z}; a timestamp
   * without time zone is read as UTC. Infinities become the extremes of the calendar; dates before
   * the common era and after year 9999 have no ISO-8601 form here and become null.
   */
  static JsonNode timestamp(String text, boolean withZone) {
    int length = text.length();
    if (length < 19 || text.charAt(10) != ' ' || text.charAt(4) != '-') {
      if (text.equals("infinity")) {
        return Json.NODES.textNode("9999-12-31T23:59:59.999999Z");
      }
      if (text.equals("-infinity")) {
        return Json.NODES.textNode("0001-01-01T00:00:00Z");
      }
      return NullNode.getInstance();
    }
    if (text.endsWith(" BC")) {
      return NullNode.getInstance();
    }
    StringBuilder iso = new StringBuilder(length + 4);
    iso.append(text, 0, 10).append('T');
    if (!withZone) {
      iso.append(text, 11, length).append('Z');
      return Json.NODES.textNode(iso.toString());
    }
    int offset = length - 1;
    while (offset > 19 && text.charAt(offset) != '+' && text.charAt(offset) != '-') {
      offset--;
    }
    iso.append(text, 11, offset);
    String zone = text.substring(offset);
    if (zone.equals("+00")) {
      iso.append('Z');
    } else {
      iso.append(zone);
      if (zone.length() == 3) {
        iso.append(":00");
      }
    }
    return Json.NODES.textNode(iso.toString());
  }

  /** A parser of PostgreSQL's array output: {@code {1,2}}, {@code {"a b",NULL}}, {@code {{1},{2}}}. */
  final class ArrayText {
    private final String text;
    private final TextValue element;
    private int position;

    ArrayText(String text, TextValue element) {
      this.text = text;
      this.element = element;
    }

    JsonNode parse() {
      if (text.startsWith("[")) {
        position = text.indexOf('=') + 1;
      }
      return parseArray();
    }

    private ArrayNode parseArray() {
      expect('{');
      ArrayNode array = Json.array();
      if (peek() == '}') {
        position++;
        return array;
      }
      while (true) {
        char next = peek();
        if (next == '{') {
          array.add(parseArray());
        } else if (next == '"') {
          array.add(element.convert(quoted()));
        } else {
          String bare = bare();
          array.add(bare.equalsIgnoreCase("NULL") ? NullNode.getInstance() : element.convert(bare));
        }
        char separator = text.charAt(position++);
        if (separator == '}') {
          return array;
        }
        if (separator != ',' && separator != ';') {
          throw new IllegalArgumentException("malformed array at character " + position);
        }
      }
    }

    private String quoted() {
      position++;
      StringBuilder value = new StringBuilder();
      while (true) {
        char c = text.charAt(position++);
        if (c == '\\') {
          value.append(text.charAt(position++));
        } else if (c == '"') {
          return value.toString();
        } else {
          value.append(c);
        }
      }
    }

    private String bare() {
      int start = position;
      while (position < text.length()) {
        char c = text.charAt(position);
        if (c == ',' || c == '}' || c == ';') {
          break;
        }
        position++;
      }
      return text.substring(start, position).trim();
    }

    private char peek() {
      while (Character.isWhitespace(text.charAt(position))) {
        position++;
      }
      return text.charAt(position);
    }

    private void expect(char wanted) {
      if (peek() != wanted) {
        throw new IllegalArgumentException("malformed array: expected '" + wanted + "' at character "
            + (position + 1));
      }
      position++;
    }
  }
}
