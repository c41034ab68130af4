package dev.tapline.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * The fields of an {@link ObjectNode} read by {@link MessageReader}, kept in two arrays in
 * insertion order instead of a {@code LinkedHashMap}: a record of a few dozen fields costs two
 * small arrays rather than a hash table and an entry object per field, and a lookup first tries
 * the slot after the previous hit, so code that reads the fields in schema order (validators,
 * loaders) finds each one at once. Field names from the parser are canonical instances, so the
 * comparison is usually an identity check.
 *
 * <p>Behaves as an ordinary ordered map (insertion order; {@code put} of an existing name keeps
 * its place); not thread-safe, like the map it replaces.
 */
public final class CompactFields extends AbstractMap<String, JsonNode> {

  private static final String[] NO_NAMES = new String[0];
  private static final JsonNode[] NO_VALUES = new JsonNode[0];

  private String[] names;
  private JsonNode[] values;
  private int size;
  private int hint;
  private int modifications;
  /** Whether {@link #names} is this map's own array (else shared, copied before a change). */
  private boolean ownNames = true;

  public CompactFields() {
    names = NO_NAMES;
    values = NO_VALUES;
  }

  public CompactFields(int expectedSize) {
    names = expectedSize == 0 ? NO_NAMES : new String[expectedSize];
    values = expectedSize == 0 ? NO_VALUES : new JsonNode[expectedSize];
  }

  /**
   * Fields over arrays the caller hands over: {@code names} may be shared by many maps (the
   * records of one layout) and is copied before this map changes a name; {@code values} becomes
   * this map's own. The first {@code size} entries of each are the fields, names distinct and
   * not null.
   */
  public CompactFields(String[] names, JsonNode[] values, int size) {
    this.names = names;
    this.values = values;
    this.size = size;
    this.ownNames = false;
  }

  /** The name at a position, for writers that walk the fields in order; {@code index < size()}. */
  public String nameAt(int index) {
    return names[index];
  }

  /** The value at a position; {@code index < size()}. */
  public JsonNode valueAt(int index) {
    return values[index];
  }

  private void ownNames(int capacity) {
    if (!ownNames || names.length < capacity) {
      names = Arrays.copyOf(names, Math.max(capacity, Math.max(8, size * 2)));
      ownNames = true;
    }
    if (values.length < capacity) {
      values = Arrays.copyOf(values, Math.max(capacity, Math.max(8, size * 2)));
    }
  }

  /** An empty object node backed by compact fields. */
  public static ObjectNode objectNode() {
    return new ObjectNode(Json.NODES, new CompactFields());
  }

  private int indexOf(Object name) {
    int count = size;
    String[] keys = names;
    int start = hint < count ? hint : 0;
    for (int i = start; i < count; i++) {
      if (keys[i] == name) {
        hint = i + 1;
        return i;
      }
    }
    for (int i = 0; i < start; i++) {
      if (keys[i] == name) {
        hint = i + 1;
        return i;
      }
    }
    if (!(name instanceof String text)) {
      return -1;
    }
    int hash = text.hashCode();
    for (int i = 0; i < count; i++) {
      String key = keys[i];
      if (key.hashCode() == hash && text.equals(key)) {
        hint = i + 1;
        return i;
      }
    }
    return -1;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean containsKey(Object name) {
    return indexOf(name) >= 0;
  }

  @Override
  public JsonNode get(Object name) {
    int index = indexOf(name);
    return index < 0 ? null : values[index];
  }

  @Override
  public JsonNode put(String name, JsonNode value) {
    Objects.requireNonNull(name, "name");
    int index = indexOf(name);
    if (index >= 0) {
      JsonNode old = values[index];
      values[index] = value;
      return old;
    }
    ownNames(size + 1);
    names[size] = name;
    values[size] = value;
    size++;
    modifications++;
    return null;
  }

  @Override
  public JsonNode remove(Object name) {
    int index = indexOf(name);
    if (index < 0) {
      return null;
    }
    JsonNode old = values[index];
    removeAt(index);
    return old;
  }

  private void removeAt(int index) {
    ownNames(size);
    int moved = size - index - 1;
    if (moved > 0) {
      System.arraycopy(names, index + 1, names, index, moved);
      System.arraycopy(values, index + 1, values, index, moved);
    }
    size--;
    names[size] = null;
    values[size] = null;
    hint = 0;
    modifications++;
  }

  @Override
  public void clear() {
    ownNames(0);
    Arrays.fill(names, 0, size, null);
    Arrays.fill(values, 0, size, null);
    size = 0;
    hint = 0;
    modifications++;
  }

  @Override
  public Set<Map.Entry<String, JsonNode>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, JsonNode>> iterator() {
        return new Fields();
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  private final class Fields implements Iterator<Map.Entry<String, JsonNode>> {
    private int next;
    private int last = -1;
    private int expected = modifications;

    @Override
    public boolean hasNext() {
      return next < size;
    }

    @Override
    public Map.Entry<String, JsonNode> next() {
      if (expected != modifications) {
        throw new ConcurrentModificationException();
      }
      if (next >= size) {
        throw new NoSuchElementException();
      }
      last = next++;
      return new Field(last);
    }

    @Override
    public void remove() {
      if (last < 0) {
        throw new IllegalStateException();
      }
      if (expected != modifications) {
        throw new ConcurrentModificationException();
      }
      removeAt(last);
      next = last;
      last = -1;
      expected = modifications;
    }
  }

  private final class Field implements Map.Entry<String, JsonNode> {
    private final int index;
    private final String name;

    Field(int index) {
      this.index = index;
      this.name = names[index];
    }

    @Override
    public String getKey() {
      return name;
    }

    @Override
    public JsonNode getValue() {
      return index < size && names[index] == name ? values[index] : CompactFields.this.get(name);
    }

    @Override
    public JsonNode setValue(JsonNode value) {
      return put(name, value);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Map.Entry<?, ?> entry
          && name.equals(entry.getKey()) && Objects.equals(getValue(), entry.getValue());
    }

    @Override
    public int hashCode() {
      return name.hashCode() ^ Objects.hashCode(getValue());
    }

    @Override
    public String toString() {
      return name + "=" + getValue();
    }
  }
}
