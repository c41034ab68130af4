package dev.tapline.target;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.JsonBytes;
import dev.tapline.spec.MessageReader;
import dev.tapline.spec.RecordMessage;
import dev.tapline.spec.Timestamps;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * A RECORD whose values are all scalars, read without building a tree: each property of the
 * stream's schema is a slot holding the kind of its value and where the value's JSON text lies in
 * a byte array. The reading thread makes one when a line is a plain RECORD of a stream whose
 * schema it can check this way, and has checked it against that schema (so it is as valid as the
 * validator would find it); any other line becomes an ordinary {@link RecordMessage}. A sink that
 * loads values reads them from the slots ({@link Sink#write(FlatRecord)}); {@link #toTree()} gives
 * the record the ordinary way, exactly as the message reader would have built it.
 *
 * <p>The text of a value lies in {@link #bytes()} from {@link #start} to {@link #end}: for strings
 * without the quotes, for numbers, {@code true}, {@code false} and {@code null} as written. Kinds:
 *
 * <ul>
 *   <li>{@link #MISSING}: the record has no such property; {@link #NULL}: JSON null;
 *   <li>{@link #FALSE}, {@link #TRUE};
 *   <li>{@link #INTEGER}: an integer of at most 18 digits (so it fits a {@code long});
 *   <li>{@link #DECIMAL}: a number with a fraction and no exponent, e.g. {@code -12.50};
 *   <li>{@link #ASCII}: a string of printable ASCII without escapes, so its bytes are its text;
 *   <li>{@link #UTF8}: a string without escapes holding other characters, in valid UTF-8;
 *   <li>{@link #ESCAPED}: a string with escapes; {@link #text} decodes it.
 * </ul>
 *
 * <p>Not thread-safe; immutable once handed to the loading thread.
 */
public final class FlatRecord {

  public static final int MISSING = 0;
  public static final int NULL = 1;
  public static final int FALSE = 2;
  public static final int TRUE = 3;
  public static final int INTEGER = 4;
  public static final int DECIMAL = 5;
  public static final int ASCII = 6;
  public static final int UTF8 = 7;
  public static final int ESCAPED = 8;

  private final FlatLayout layout;
  private final byte[] bytes;
  private final int[] slots;
  private final int base;
  private final int recordStart;
  private final int recordEnd;
  private final Long version;
  private final String timeExtracted;

  FlatRecord(FlatLayout layout, byte[] bytes, int[] slots, int base, int recordStart, int recordEnd,
      Long version, String timeExtracted) {
    this.layout = layout;
    this.bytes = bytes;
    this.slots = slots;
    this.base = base;
    this.recordStart = recordStart;
    this.recordEnd = recordEnd;
    this.version = version;
    this.timeExtracted = timeExtracted;
  }

  /** The schema the record was read with: its properties are the slots, in schema order. */
  public FlatLayout layout() {
    return layout;
  }

  public String stream() {
    return layout.stream();
  }

  /** The message's table version, or null. */
  public Long version() {
    return version;
  }

  /** The kind of property {@code index}'s value (see the constants). */
  public int kind(int index) {
    return slots[base + 3 * index];
  }

  /** The bytes the values lie in; not to be changed. */
  public byte[] bytes() {
    return bytes;
  }

  /** Where the text of property {@code index}'s value starts in {@link #bytes()}. */
  public int start(int index) {
    return slots[base + 3 * index + 1];
  }

  /** Where the text of property {@code index}'s value ends (exclusive) in {@link #bytes()}. */
  public int end(int index) {
    return slots[base + 3 * index + 2];
  }

  /** The value of an {@link #INTEGER}. */
  public long longValue(int index) {
    return JsonBytes.parseLong(bytes, start(index), end(index));
  }

  /** The text of a string value (any of the three string kinds). */
  public String text(int index) {
    int start = start(index);
    int end = end(index);
    return switch (kind(index)) {
      case ASCII -> new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
      case UTF8 -> new String(bytes, start, end - start, StandardCharsets.UTF_8);
      case ESCAPED -> JsonBytes.unescape(bytes, start, end);
      default -> throw new IllegalStateException("property " + layout.name(index) + " holds no string");
    };
  }

  /**
   * Property {@code index}'s value as the node the message reader builds for it (int, long or
   * BigDecimal numbers, text, booleans, null), or Java null when the property is missing.
   */
  public JsonNode node(int index) {
    int start = start(index);
    int end = end(index);
    return switch (kind(index)) {
      case MISSING -> null;
      case NULL -> Json.NODES.nullNode();
      case FALSE -> Json.NODES.booleanNode(false);
      case TRUE -> Json.NODES.booleanNode(true);
      case INTEGER -> {
        long value = JsonBytes.parseLong(bytes, start, end);
        yield value == (int) value ? Json.NODES.numberNode((int) value) : Json.NODES.numberNode(value);
      }
      case DECIMAL -> Json.NODES.numberNode(new BigDecimal(new String(bytes, start, end - start, StandardCharsets.ISO_8859_1)));
      default -> Json.NODES.textNode(text(index));
    };
  }

  /** The record as the message reader builds it (same key order, same number nodes). */
  public ObjectNode toTree() {
    return MessageReader.readRecord(bytes, recordStart, recordEnd - recordStart);
  }

  /** The message as the message reader builds it. */
  public RecordMessage toMessage() {
    return new RecordMessage(stream(), toTree(), timeExtracted == null ? null : Timestamps.parse(timeExtracted), version);
  }
}
