package dev.tapline.target.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Tells whether a key repeats within one batch, so that an upsert may leave out its
 * de-duplication when none does. Built for the common key, one integer: keys that only grow
 * (a table read in key order) cost a comparison and a slot in a {@code long} array; other
 * integer keys go into an open-addressing set of {@code long}s; anything else (text, decimals,
 * compound keys) into a set of normalised texts, where {@code 5}, {@code 5.0} and {@code 5.00}
 * are the same key, as they are in a numeric column. Used on the loading thread only.
 */
final class BatchKeys {

  private static final long EMPTY = Long.MIN_VALUE;

  /** Keys seen while they only grew, in order; null once they did not. */
  private long[] ascending = new long[1024];
  private int ascendingCount;
  /** Open-addressing set of the integer keys, once they stopped growing. */
  private long[] slots;
  private int slotCount;
  private boolean hasEmptyValue;
  private Set<String> texts;
  private boolean repeated;

  /** Whether some key of the batch so far came twice. Once true, stays true until {@link #clear()}. */
  boolean repeated() {
    return repeated;
  }

  /**
   * Records the key of one record.
   *
   * @param values the record's key values in key order, none null
   */
  void add(JsonNode[] values) {
    if (repeated) {
      return;
    }
    if (values.length == 1) {
      JsonNode value = values[0];
      if (value.isIntegralNumber() && value.canConvertToLong()) {
        addLong(value.longValue());
        return;
      }
      if (value.isNumber()) {
        BigDecimal decimal = value.decimalValue().stripTrailingZeros();
        if (decimal.scale() <= 0 && decimal.precision() - decimal.scale() <= 18) {
          addLong(decimal.longValueExact());
          return;
        }
      }
    }
    StringBuilder text = new StringBuilder();
    appendKeys(text, values);
    addKeyText(text.toString());
  }

  /** Records a key of one text (as {@link #add} would for a text node). */
  void addText(String value) {
    if (repeated) {
      return;
    }
    addKeyText("\"" + value);
  }

  private void addKeyText(String key) {
    if (texts == null) {
      texts = new HashSet<>();
    }
    if (!texts.add(key)) {
      repeat();
    }
  }

  private static void appendKeys(StringBuilder text, JsonNode[] values) {
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        text.append('\u0001');
      }
      JsonNode value = values[i];
      if (value.isNumber()) {
        BigDecimal decimal = value.decimalValue().stripTrailingZeros();
        text.append('#').append(decimal.toPlainString());
      } else if (value.isValueNode()) {
        text.append('"').append(value.asText());
      } else {
        text.append('{').append(value);
      }
    }
  }

  /** Records a key of one integer. */
  void addLong(long key) {
    if (repeated) {
      return;
    }
    if (ascending != null) {
      if (ascendingCount == 0 || key > ascending[ascendingCount - 1]) {
        if (ascendingCount == ascending.length) {
          ascending = Arrays.copyOf(ascending, ascendingCount * 2);
        }
        ascending[ascendingCount++] = key;
        return;
      }
      long[] seen = ascending;
      int count = ascendingCount;
      ascending = null;
      slots = new long[tableSize(count * 2)];
      Arrays.fill(slots, EMPTY);
      for (int i = 0; i < count; i++) {
        insert(seen[i]);
      }
    }
    if (!insert(key)) {
      repeat();
    }
  }

  private static int tableSize(int wanted) {
    int size = 1024;
    while (size < wanted) {
      size <<= 1;
    }
    return size;
  }

  /** Adds a key to the hash set; false when it was there. */
  private boolean insert(long key) {
    if (key == EMPTY) {
      if (hasEmptyValue) {
        return false;
      }
      hasEmptyValue = true;
      return true;
    }
    if ((slotCount + 1) * 2 > slots.length) {
      grow();
    }
    int mask = slots.length - 1;
    int index = mix(key) & mask;
    while (true) {
      long slot = slots[index];
      if (slot == EMPTY) {
        slots[index] = key;
        slotCount++;
        return true;
      }
      if (slot == key) {
        return false;
      }
      index = (index + 1) & mask;
    }
  }

  private void grow() {
    long[] old = slots;
    slots = new long[old.length * 2];
    Arrays.fill(slots, EMPTY);
    slotCount = 0;
    for (long key : old) {
      if (key != EMPTY) {
        insert(key);
      }
    }
  }

  private static int mix(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }

  private void repeat() {
    repeated = true;
    ascending = null;
    slots = null;
    texts = null;
  }

  /** Forgets the batch's keys. */
  void clear() {
    repeated = false;
    if (ascending == null || ascending.length > 1 << 16) {
      ascending = new long[1024];
    }
    ascendingCount = 0;
    slots = null;
    slotCount = 0;
    hasEmptyValue = false;
    texts = null;
  }
}
