package dev.tapline.target.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.TaplineException;
import java.util.List;

/**
 * Reads the value of each column from a record as the text a database loads exactly: integers and
 * decimals in plain notation (never through {@code double}), booleans as {@code true}/{@code
 * false}, objects and arrays as JSON, dates as sent. It also applies the rules for data a database
 * cannot hold: NUL characters are removed from text (and counted), dates out of range follow
 * {@link InvalidDatePolicy}, and an integer beyond 64 bits marks its column for widening to
 * numeric. One instance per sink; not thread-safe.
 */
public final class RecordValues {

  static final String MAX_TIMESTAMP = "9999-12-31T23:59:59.999999+00:00";
  static final String MAX_DATE = "9999-12-31";

  private final String stream;
  private final List<Column> columns;
  private final InvalidDatePolicy datePolicy;
  private final boolean[] needsNumeric;
  private final ColumnType.Kind[] kinds;
  private long strippedNulCharacters;
  private long replacedDates;

  public RecordValues(String stream, List<Column> columns, InvalidDatePolicy datePolicy) {
    this.stream = stream;
    this.columns = List.copyOf(columns);
    this.datePolicy = datePolicy;
    this.needsNumeric = new boolean[columns.size()];
    this.kinds = new ColumnType.Kind[columns.size()];
    for (int i = 0; i < kinds.length; i++) {
      kinds[i] = columns.get(i).type().kind();
    }
  }

  public List<Column> columns() {
    return columns;
  }

  /** The kind of column {@code index}. */
  public ColumnType.Kind kind(int index) {
    return kinds[index];
  }

  /**
   * Whether an ASCII date or timestamp text is loaded as it is (its year is in range); otherwise
   * {@link #text} applies the invalid-date policy.
   */
  public static boolean yearInRange(byte[] bytes, int start, int end) {
    if (end - start < 5 || bytes[start + 4] != '-') {
      return false;
    }
    int year = 0;
    for (int i = start; i < start + 4; i++) {
      int c = bytes[i];
      if (c < '0' || c > '9') {
        return false;
      }
      year = year * 10 + (c - '0');
    }
    return year >= 1;
  }

  /**
   * The text of column {@code index}'s value, or null for SQL NULL (a missing property, a JSON
   * null, or an invalid date under the {@code null} policy).
   */
  public String text(JsonNode value, int index) {
    if (value == null) {
      return null;
    }
    // the usual node classes by type test, before the general (megamorphic) path
    switch (kinds[index]) {
      case TEXT:
        if (value instanceof TextNode) {
          return withoutNul(value.textValue());
        }
        break;
      case TIMESTAMP_TZ:
        if (value instanceof TextNode) {
          return date(value.textValue(), columns.get(index), MAX_TIMESTAMP);
        }
        break;
      case BIGINT:
      case NUMERIC:
        if (value instanceof IntNode || value instanceof LongNode) {
          return Long.toString(value.longValue());
        }
        if (value instanceof DecimalNode && kinds[index] == ColumnType.Kind.NUMERIC) {
          return value.decimalValue().toPlainString();
        }
        break;
      default:
        break;
    }
    return general(value, index);
  }

  private String general(JsonNode value, int index) {
    if (value.isNull()) {
      return null;
    }
    Column column = columns.get(index);
    switch (column.type().kind()) {
      case BIGINT:
        if (value.isIntegralNumber()) {
          if (!value.canConvertToLong()) {
            needsNumeric[index] = true;
          }
          return value.isLong() || value.isInt() ? Long.toString(value.longValue()) : value.bigIntegerValue().toString();
        }
        if (value.isNumber()) {
          return value.decimalValue().stripTrailingZeros().toPlainString();
        }
        return value.asText();
      case NUMERIC:
        if (value.isIntegralNumber()) {
          return value.isLong() || value.isInt() ? Long.toString(value.longValue()) : value.bigIntegerValue().toString();
        }
        if (value.isNumber()) {
          return value.decimalValue().toPlainString();
        }
        return value.asText();
      case BOOLEAN:
        if (value.isBoolean()) {
          return value.booleanValue() ? "true" : "false";
        }
        return value.asText();
      case TEXT:
        if (value.isTextual()) {
          return withoutNul(value.textValue());
        }
        return value.isContainerNode() ? json(value) : value.asText();
      case DATE:
        return date(value.asText(), column, MAX_DATE);
      case TIMESTAMP_TZ:
        return date(value.asText(), column, MAX_TIMESTAMP);
      case JSON:
        return json(value);
      default:
        return withoutNul(value.asText());
    }
  }

  private String date(String text, Column column, String max) {
    if (yearInRange(text)) {
      return text;
    }
    replacedDates++;
    switch (datePolicy) {
      case NULL:
        return null;
      case MAX:
        return max;
      default:
        throw new TaplineException("Stream '" + stream + "', property '" + column.property() + "': the date '"
            + (text.length() > 40 ? text.substring(0, 40) + "..." : text)
            + "' cannot be stored (years 1 to 9999 only). Set invalid_date_policy to null or max to load such dates.");
    }
  }

  /** Years 0001 to 9999 written with four digits: what every database accepts. */
  static boolean yearInRange(String text) {
    if (text.length() < 5 || text.charAt(4) != '-') {
      return false;
    }
    int year = 0;
    for (int i = 0; i < 4; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
      year = year * 10 + (c - '0');
    }
    return year >= 1;
  }

  private String withoutNul(String text) {
    int first = text.indexOf('\0');
    if (first < 0) {
      return text;
    }
    StringBuilder clean = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\0') {
        strippedNulCharacters++;
      } else {
        clean.append(c);
      }
    }
    return clean.toString();
  }

  /** JSON text without NUL characters (JSON spells them as the escape backslash-u0000). */
  private String json(JsonNode value) {
    String json = Json.write(value);
    int at = json.indexOf("\\u0000");
    if (at < 0) {
      return json;
    }
    StringBuilder clean = new StringBuilder(json.length());
    int i = 0;
    while (i < json.length()) {
      char c = json.charAt(i);
      if (c == '\\' && i + 1 < json.length()) {
        if (json.startsWith("u0000", i + 1)) {
          strippedNulCharacters++;
          i += 6;
          continue;
        }
        clean.append(c).append(json.charAt(i + 1));
        i += 2;
        continue;
      }
      clean.append(c);
      i++;
    }
    return clean.toString();
  }

  /** Whether a value beyond 64 bits arrived for column {@code index} since the last reset. */
  public boolean needsNumeric(int index) {
    return needsNumeric[index];
  }

  /** NUL characters removed since the last reset. */
  public long strippedNulCharacters() {
    return strippedNulCharacters;
  }

  /** Dates replaced by NULL or the maximum since the last reset. */
  public long replacedDates() {
    return replacedDates;
  }

  /** Starts counting for a new batch. */
  public void reset() {
    java.util.Arrays.fill(needsNumeric, false);
    strippedNulCharacters = 0;
    replacedDates = 0;
  }
}
