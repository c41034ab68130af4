package dev.tapline.tap;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapline.spec.Timestamps;
import dev.tapline.spec.schema.PropertyType;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;

/**
 * Orders replication-key values by what the property's schema says they are: numbers exactly,
 * timestamps and dates as instants (whatever their offset or precision), other text lexically.
 * A number and a text holding a number (a bookmark written by another tool as {@code "42"}) compare
 * as numbers; other values of different JSON types order numbers before text.
 */
public final class ReplicationValues implements Comparator<JsonNode> {

  private final boolean temporal;

  private ReplicationValues(boolean temporal) {
    this.temporal = temporal;
  }

  /** The order for a property with this JSON Schema (null: by the values' JSON types). */
  public static ReplicationValues forSchema(JsonNode propertySchema) {
    PropertyType.Kind kind =
        propertySchema == null ? PropertyType.Kind.JSON : PropertyType.of(propertySchema).kind();
    return new ReplicationValues(
        kind == PropertyType.Kind.DATE_TIME || kind == PropertyType.Kind.DATE);
  }

  /** Whether values are compared as points in time (the property is a date or date-time). */
  public boolean isTemporal() {
    return temporal;
  }

  /**
   * Compares two non-null values.
   *
   * @throws IllegalArgumentException when a temporal property holds text that is no timestamp
   */
  @Override
  public int compare(JsonNode left, JsonNode right) {
    if (left.isNumber() && right.isNumber()) {
      if (left.isIntegralNumber() && right.isIntegralNumber()
          && left.canConvertToLong() && right.canConvertToLong()) {
        return Long.compare(left.longValue(), right.longValue());
      }
      return left.decimalValue().compareTo(right.decimalValue());
    }
    if (left.isNumber() != right.isNumber()) {
      // e.g. a bookmark written by another tool as "42" for a numeric key
      BigDecimal leftNumber = left.isNumber() ? left.decimalValue() : parseNumber(left.asText());
      BigDecimal rightNumber = right.isNumber() ? right.decimalValue() : parseNumber(right.asText());
      if (leftNumber != null && rightNumber != null) {
        return leftNumber.compareTo(rightNumber);
      }
      return left.isNumber() ? -1 : 1;
    }
    String a = left.asText();
    String b = right.asText();
    if (temporal) {
      return compareTimestamps(a, b);
    }
    return a.compareTo(b);
  }

  private static BigDecimal parseNumber(String text) {
    try {
      return new BigDecimal(text.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static int compareTimestamps(String a, String b) {
    if (sameShape(a, b)) {
      return a.compareTo(b);
    }
    return instant(a).compareTo(instant(b));
  }

  /**
   * Two ISO-8601 texts of the same length with the same offset suffix order lexically as they order
   * in time; checking that is far cheaper than parsing both.
   */
  private static boolean sameShape(String a, String b) {
    int length = a.length();
    if (length != b.length() || length < 10) {
      return false;
    }
    if (length == 20 && a.charAt(19) == 'Z' && b.charAt(19) == 'Z'
        && a.charAt(10) == b.charAt(10) && a.charAt(4) == '-' && b.charAt(4) == '-') {
      return true; // 2024-01-31T12:00:00Z, the most common form
    }
    if (a.charAt(4) != '-' || b.charAt(4) != '-' || a.charAt(7) != '-' || b.charAt(7) != '-') {
      return false;
    }
    if (length == 10) {
      return true;
    }
    if (a.charAt(10) != b.charAt(10)) {
      return false;
    }
    int offset = offsetStart(a);
    return offset == offsetStart(b) && a.regionMatches(offset, b, offset, length - offset);
  }

  private static int offsetStart(String text) {
    for (int i = 11; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == 'Z' || c == 'z' || c == '+' || c == '-') {
        return i;
      }
    }
    return text.length();
  }

  private static Instant instant(String text) {
    try {
      return Timestamps.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + text + "' is not a timestamp", e);
    }
  }
}
