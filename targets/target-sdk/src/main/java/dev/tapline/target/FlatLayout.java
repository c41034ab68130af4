package dev.tapline.target;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.JsonBytes;
import dev.tapline.spec.SchemaMessage;
import dev.tapline.spec.Timestamps;
import dev.tapline.spec.schema.RecordValidator;
import dev.tapline.spec.schema.SchemaKeywords;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The properties of one stream's schema (one SCHEMA message), in schema order, with what a {@link
 * FlatRecord}'s values must satisfy. {@link #of} makes one only for a schema whose every assertion
 * on scalar values it can check on a value's JSON text: types, {@code format} date-time, date and
 * time, lengths, a {@code multipleOf} that is a power of ten, and numeric bounds. A value it cannot
 * check that way (a nested object or array, a string against a {@code pattern})
 * sends the line down the ordinary path, where the validator judges it; so a flat record is never
 * let through that the validator would refuse. Immutable.
 */
public final class FlatLayout {

  private static final int STRING = SchemaKeywords.STRING;
  private static final int INTEGER = SchemaKeywords.INTEGER;
  private static final int NUMBER = SchemaKeywords.NUMBER;
  private static final int BOOLEAN = SchemaKeywords.BOOLEAN;
  private static final int NULL = SchemaKeywords.NULL;

  private static final int FORMAT_NONE = 0;
  private static final int FORMAT_DATE_TIME = 1;
  private static final int FORMAT_DATE = 2;
  private static final int FORMAT_TIME = 3;

  /** Keywords that assert nothing (the validator's list). */
  private static final Set<String> ANNOTATIONS = SchemaKeywords.ANNOTATIONS;
  /** Keywords that only apply to objects and arrays, which never reach a flat record. */
  private static final Set<String> CONTAINER_KEYWORDS = Set.of(
      "properties", "required", "additionalProperties", "items", "minItems", "maxItems");

  private final String stream;
  private final byte[] streamBytes;
  private final String[] names;
  private final byte[][] nameBytes;
  private final Map<String, Integer> positions;
  private final int[] types;
  /** -1 when any string goes the ordinary way (a pattern). */
  private final int[] minLengths;
  private final int[] maxLengths;
  private final int[] formats;
  private final boolean[] stringsNeedTree;
  /** The scale of a power-of-ten multipleOf, or -1. */
  private final int[] multipleOfScales;
  private final boolean[] numbersNeedTree;
  /** The numeric bounds of each property, or null. */
  private final Bounds[] bounds;
  /** Indexes of the properties every record must have (required, and the key properties). */
  private final int[] present;

  private FlatLayout(String stream, int count) {
    this.stream = stream;
    this.streamBytes = stream.getBytes(StandardCharsets.UTF_8);
    this.names = new String[count];
    this.nameBytes = new byte[count][];
    this.positions = new HashMap<>();
    this.types = new int[count];
    this.minLengths = new int[count];
    this.maxLengths = new int[count];
    this.formats = new int[count];
    this.stringsNeedTree = new boolean[count];
    this.multipleOfScales = new int[count];
    this.numbersNeedTree = new boolean[count];
    this.bounds = new Bounds[count];
    this.present = null;
  }

  private FlatLayout(FlatLayout layout, int[] present) {
    this.stream = layout.stream;
    this.streamBytes = layout.streamBytes;
    this.names = layout.names;
    this.nameBytes = layout.nameBytes;
    this.positions = layout.positions;
    this.types = layout.types;
    this.minLengths = layout.minLengths;
    this.maxLengths = layout.maxLengths;
    this.formats = layout.formats;
    this.stringsNeedTree = layout.stringsNeedTree;
    this.multipleOfScales = layout.multipleOfScales;
    this.numbersNeedTree = layout.numbersNeedTree;
    this.bounds = layout.bounds;
    this.present = present;
  }

  /**
   * The layout of a stream's schema, or null when its records cannot be checked flat (a keyword
   * on the record object other than {@code properties}, {@code required} and annotations; a
   * property whose schema asserts what only the validator checks, such as {@code enum} or {@code
   * anyOf}; a schema the validator does not compile).
   */
  static FlatLayout of(SchemaMessage message) {
    ObjectNode schema = message.schema();
    ObjectNode properties = message.properties();
    if (properties == null || properties.isEmpty() || !RecordValidator.isCompiled(schema)) {
      return null;
    }
    for (Iterator<String> keys = schema.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!key.equals("type") && !CONTAINER_KEYWORDS.contains(key) && !ANNOTATIONS.contains(key)) {
        return null;
      }
    }
    FlatLayout layout = new FlatLayout(message.stream(), properties.size());
    int index = 0;
    for (Iterator<Map.Entry<String, JsonNode>> fields = properties.fields(); fields.hasNext(); index++) {
      Map.Entry<String, JsonNode> field = fields.next();
      layout.names[index] = field.getKey();
      layout.nameBytes[index] = field.getKey().getBytes(StandardCharsets.UTF_8);
      layout.positions.put(field.getKey(), index);
      if (!layout.property(index, field.getValue())) {
        return null;
      }
    }
    int[] present = new int[0];
    JsonNode required = schema.get("required");
    if (required != null) {
      if (!required.isArray()) {
        return null;
      }
      for (JsonNode name : required) {
        Integer position = layout.positions.get(name.asText());
        if (position == null) {
          return null;
        }
        present = append(present, position);
      }
    }
    for (String key : message.keyProperties()) {
      Integer position = layout.positions.get(key);
      if (position == null) {
        return null;
      }
      present = append(present, position);
    }
    return new FlatLayout(layout, present);
  }

  private static int[] append(int[] values, int value) {
    int[] longer = Arrays.copyOf(values, values.length + 1);
    longer[values.length] = value;
    return longer;
  }

  /** Reads what property {@code index}'s schema asserts; false when a flat check cannot do it. */
  private boolean property(int index, JsonNode schema) {
    if (!schema.isObject()) {
      return false;
    }
    minLengths[index] = -1;
    maxLengths[index] = -1;
    multipleOfScales[index] = -1;
    for (Iterator<Map.Entry<String, JsonNode>> fields = schema.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = field.getKey();
      JsonNode value = field.getValue();
      switch (key) {
        case "type" -> {
          if (value.isTextual()) {
            types[index] = typeBit(value.textValue());
          } else if (value.isArray()) {
            for (JsonNode item : value) {
              types[index] |= typeBit(item.asText());
            }
          }
        }
        case "format" -> formats[index] = switch (value.asText("")) {
          case "date-time" -> FORMAT_DATE_TIME;
          case "date" -> FORMAT_DATE;
          case "time" -> FORMAT_TIME;
          default -> FORMAT_NONE;
        };
        case "minLength" -> {
          if (value.canConvertToInt()) {
            minLengths[index] = value.intValue();
          }
        }
        case "maxLength" -> {
          if (value.canConvertToInt()) {
            maxLengths[index] = value.intValue();
          }
        }
        case "pattern" -> stringsNeedTree[index] = true;
        case "multipleOf" -> {
          if (value.isNumber() && value.decimalValue().signum() > 0) {
            BigDecimal step = value.decimalValue();
            if (step.unscaledValue().equals(BigInteger.ONE) && step.scale() >= 0) {
              multipleOfScales[index] = step.scale();
            } else {
              numbersNeedTree[index] = true;
            }
          }
        }
        case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum" -> bounds[index] = Bounds.NONE;
        default -> {
          if (!ANNOTATIONS.contains(key) && !CONTAINER_KEYWORDS.contains(key)) {
            return false;
          }
        }
      }
    }
    if (bounds[index] != null) {
      bounds[index] = Bounds.of(schema);
    }
    return true;
  }

  /**
   * The bounds of a number property as the validator reads and applies them: a numeric {@code
   * exclusiveMinimum} replaces {@code minimum}, a boolean one makes it exclusive (draft 4), and
   * the same for the maximum. Integers are compared as {@code long}s when the bounds allow, a value
   * of at most 17 integer digits passes bounds beyond 10^17 without being read, and any other
   * value is compared exactly as a decimal.
   */
  private static final class Bounds {

    static final Bounds NONE = new Bounds(null, false, null, false);
    private static final BigDecimal WIDE = BigDecimal.TEN.pow(17);

    private final BigDecimal minimum;
    private final boolean exclusiveMinimum;
    private final BigDecimal maximum;
    private final boolean exclusiveMaximum;
    /** Whether {@link #low} and {@link #high} hold the bounds for integers, inclusive. */
    private final boolean longs;
    private final long low;
    private final long high;
    /** Whether every value of at most 17 integer digits lies within. */
    private final boolean wide;

    private Bounds(BigDecimal minimum, boolean exclusiveMinimum, BigDecimal maximum, boolean exclusiveMaximum) {
      this.minimum = minimum;
      this.exclusiveMinimum = exclusiveMinimum;
      this.maximum = maximum;
      this.exclusiveMaximum = exclusiveMaximum;
      Long lowest = minimum == null ? Long.valueOf(Long.MIN_VALUE) : integerBound(minimum, exclusiveMinimum, true);
      Long highest = maximum == null ? Long.valueOf(Long.MAX_VALUE) : integerBound(maximum, exclusiveMaximum, false);
      this.longs = lowest != null && highest != null;
      this.low = longs ? lowest : 0;
      this.high = longs ? highest : 0;
      this.wide = (minimum == null || minimum.compareTo(WIDE.negate()) <= 0)
          && (maximum == null || maximum.compareTo(WIDE) >= 0);
    }

    static Bounds of(JsonNode schema) {
      BigDecimal minimum = schema.path("minimum").isNumber() ? schema.get("minimum").decimalValue() : null;
      BigDecimal maximum = schema.path("maximum").isNumber() ? schema.get("maximum").decimalValue() : null;
      boolean exclusiveMinimum = false;
      boolean exclusiveMaximum = false;
      JsonNode exclusive = schema.get("exclusiveMinimum");
      if (exclusive != null && exclusive.isBoolean()) {
        exclusiveMinimum = exclusive.booleanValue();
      } else if (exclusive != null && exclusive.isNumber()) {
        minimum = exclusive.decimalValue();
        exclusiveMinimum = true;
      }
      exclusive = schema.get("exclusiveMaximum");
      if (exclusive != null && exclusive.isBoolean()) {
        exclusiveMaximum = exclusive.booleanValue();
      } else if (exclusive != null && exclusive.isNumber()) {
        maximum = exclusive.decimalValue();
        exclusiveMaximum = true;
      }
      return new Bounds(minimum, exclusiveMinimum, maximum, exclusiveMaximum);
    }

    /** The inclusive {@code long} bound for integers of a whole bound, or null. */
    private static Long integerBound(BigDecimal bound, boolean exclusive, boolean lower) {
      if (bound.stripTrailingZeros().scale() > 0) {
        return null;
      }
      try {
        long value = bound.longValueExact();
        if (!exclusive) {
          return value;
        }
        if (lower) {
          return value == Long.MAX_VALUE ? null : value + 1;
        }
        return value == Long.MIN_VALUE ? null : value - 1;
      } catch (ArithmeticException e) {
        return null;
      }
    }

    boolean accepts(int kind, byte[] bytes, int start, int end) {
      if (kind == FlatRecord.INTEGER && longs) {
        long value = JsonBytes.parseLong(bytes, start, end);
        return value >= low && value <= high;
      }
      if (wide && integerDigits(bytes, start, end) <= 17) {
        return true;
      }
      BigDecimal value = new BigDecimal(new String(bytes, start, end - start, StandardCharsets.ISO_8859_1));
      if (minimum != null) {
        int comparison = value.compareTo(minimum);
        if (comparison < 0 || (exclusiveMinimum && comparison == 0)) {
          return false;
        }
      }
      if (maximum != null) {
        int comparison = value.compareTo(maximum);
        return comparison < 0 || (!exclusiveMaximum && comparison == 0);
      }
      return true;
    }

    private static int integerDigits(byte[] bytes, int start, int end) {
      int digits = 0;
      for (int i = start; i < end && bytes[i] != '.'; i++) {
        if (bytes[i] != '-') {
          digits++;
        }
      }
      return digits;
    }
  }

  private static int typeBit(String type) {
    // objects and arrays never reach a flat record; an unknown type name asserts nothing, as in the validator
    return SchemaKeywords.typeBit(type);
  }

  public String stream() {
    return stream;
  }

  /** The number of properties. */
  public int size() {
    return names.length;
  }

  /** The name of property {@code index}. */
  public String name(int index) {
    return names[index];
  }

  /** The index of a property, or -1. */
  public int indexOf(String name) {
    Integer position = positions.get(name);
    return position == null ? -1 : position;
  }
  /** Whether {@code bytes[start, end)} is this layout's stream name. */
  boolean isStream(byte[] bytes, int start, int end) {
    return end - start == streamBytes.length && Arrays.equals(bytes, start, end, streamBytes, 0, streamBytes.length);
  }

  /**
   * The index of the property named by {@code bytes[start, end)} (a name without escapes), trying
   * {@code expected} first; -1 when the schema has no such property.
   */
  int find(byte[] bytes, int start, int end, int expected) {
    if (expected < nameBytes.length) {
      byte[] name = nameBytes[expected];
      if (end - start == name.length && Arrays.equals(bytes, start, end, name, 0, name.length)) {
        return expected;
      }
    }
    if (nameBytes.length > 32) {
      Integer position = positions.get(new String(bytes, start, end - start, StandardCharsets.UTF_8));
      return position == null ? -1 : position;
    }
    for (int i = 0; i < nameBytes.length; i++) {
      byte[] name = nameBytes[i];
      if (end - start == name.length && Arrays.equals(bytes, start, end, name, 0, name.length)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Whether the record's values satisfy the schema as the validator would find; false when they
   * do not or when only the validator can tell.
   *
   * @param view a scratch view for the format checks
   */
  boolean accepts(byte[] bytes, int[] slots, int base, AsciiView view) {
    for (int index : present) {
      if (slots[base + 3 * index] == FlatRecord.MISSING) {
        return false;
      }
    }
    for (int index = 0; index < names.length; index++) {
      int slot = base + 3 * index;
      int kind = slots[slot];
      if (kind == FlatRecord.MISSING) {
        continue;
      }
      int allowed = types[index];
      switch (kind) {
        case FlatRecord.NULL -> {
          if (allowed != 0 && (allowed & NULL) == 0) {
            return false;
          }
        }
        case FlatRecord.TRUE, FlatRecord.FALSE -> {
          if (allowed != 0 && (allowed & BOOLEAN) == 0) {
            return false;
          }
        }
        case FlatRecord.INTEGER, FlatRecord.DECIMAL -> {
          int needed = kind == FlatRecord.INTEGER ? INTEGER : NUMBER;
          if ((allowed != 0 && (allowed & needed) == 0) || numbersNeedTree[index]) {
            return false;
          }
          Bounds range = bounds[index];
          if (range != null && !range.accepts(kind, bytes, slots[slot + 1], slots[slot + 2])) {
            return false;
          }
          int scale = multipleOfScales[index];
          if (scale >= 0 && kind == FlatRecord.DECIMAL && fractionDigits(bytes, slots[slot + 1], slots[slot + 2]) > scale) {
            return false;
          }
        }
        default -> {
          if ((allowed != 0 && (allowed & STRING) == 0) || stringsNeedTree[index]
              || !stringAccepted(index, kind, bytes, slots[slot + 1], slots[slot + 2], view)) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private boolean stringAccepted(int index, int kind, byte[] bytes, int start, int end, AsciiView view) {
    int format = formats[index];
    if (format != FORMAT_NONE) {
      if (kind != FlatRecord.ASCII) {
        return false;
      }
      view.set(bytes, start, end);
      boolean valid = switch (format) {
        case FORMAT_DATE_TIME -> Timestamps.isTimestamp(view);
        case FORMAT_DATE -> Timestamps.isDate(view);
        default -> Timestamps.isTime(view);
      };
      if (!valid) {
        return false;
      }
    }
    int min = minLengths[index];
    int max = maxLengths[index];
    if (min < 0 && max < 0) {
      return true;
    }
    int length = switch (kind) {
      case FlatRecord.ASCII -> end - start;
      case FlatRecord.UTF8 -> codePoints(bytes, start, end);
      default -> {
        String text = JsonBytes.unescape(bytes, start, end);
        yield text.codePointCount(0, text.length());
      }
    };
    return (min < 0 || length >= min) && (max < 0 || length <= max);
  }

  /** Code points of valid UTF-8: the bytes that are not continuation bytes. */
  private static int codePoints(byte[] bytes, int start, int end) {
    int count = 0;
    for (int i = start; i < end; i++) {
      if ((bytes[i] & 0xC0) != 0x80) {
        count++;
      }
    }
    return count;
  }

  /** The digits after the point of a decimal without exponent. */
  static int fractionDigits(byte[] bytes, int start, int end) {
    for (int i = start; i < end; i++) {
      if (bytes[i] == '.') {
        return end - i - 1;
      }
    }
    return 0;
  }

  /** A reusable view of ASCII bytes as characters, for the timestamp checks. */
  static final class AsciiView implements CharSequence {
    private byte[] bytes;
    private int start;
    private int length;

    void set(byte[] bytes, int start, int end) {
      this.bytes = bytes;
      this.start = start;
      this.length = end - start;
    }

    @Override
    public int length() {
      return length;
    }

    @Override
    public char charAt(int index) {
      if (index < 0 || index >= length) {
        throw new IndexOutOfBoundsException(index);
      }
      return (char) (bytes[start + index] & 0xFF);
    }

    @Override
    public CharSequence subSequence(int from, int to) {
      return new String(bytes, start + from, to - from, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
      return new String(bytes, start, length, StandardCharsets.ISO_8859_1);
    }
  }
}
