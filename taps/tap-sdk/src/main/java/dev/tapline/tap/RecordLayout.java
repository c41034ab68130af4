package dev.tapline.tap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Makes records that share one list of property names, as rows of a table do, several times
 * cheaper to build than an {@code ObjectNode} filled with {@code set}: the names are held once and
 * each record keeps only its values. The records are ordinary {@code ObjectNode}s (they can be
 * read, changed and copied as usual). Thread-safe; the records are not.
 */
public final class RecordLayout {

  private final String[] names;

  /** A layout of these property names, in record order; the names must be distinct. */
  public RecordLayout(List<String> names) {
    this.names = names.toArray(new String[0]);
  }

  /** The number of properties. */
  public int size() {
    return names.length;
  }

  /**
   * A record holding {@code values} (one per name, in order, none null: use {@code
   * NullNode.getInstance()}). The array is taken over, not copied.
   */
  public ObjectNode record(JsonNode[] values) {
    if (values.length != names.length) {
      throw new IllegalArgumentException(values.length + " values for " + names.length + " names");
    }
    return new ObjectNode(Json.NODES, new CompactMap(names, values, values.length));
  }

  /**
   * An insertion-ordered map over parallel arrays; names are copied only when changed. Also holds
   * the members of a {@link LazyObjectNode} once read.
   */
  static final class CompactMap extends AbstractMap<String, JsonNode> {
    private String[] keys;
    private JsonNode[] values;
    private int size;
    private boolean ownKeys;

    CompactMap(String[] keys, JsonNode[] values, int size) {
      this.keys = keys;
      this.values = values;
      this.size = size;
    }

    /** The name at a position, for writers that walk the arrays; {@code index < size()}. */
    String nameAt(int index) {
      return keys[index];
    }

    /** The value at a position; {@code index < size()}. */
    JsonNode valueAt(int index) {
      return values[index];
    }

    private int indexOf(Object key) {
      for (int i = 0; i < size; i++) {
        if (keys[i] == key) {
          return i;
        }
      }
      for (int i = 0; i < size; i++) {
        if (keys[i].equals(key)) {
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
    public JsonNode get(Object key) {
      int index = indexOf(key);
      return index < 0 ? null : values[index];
    }

    @Override
    public boolean containsKey(Object key) {
      return indexOf(key) >= 0;
    }

    @Override
    public JsonNode put(String key, JsonNode value) {
      int index = indexOf(key);
      if (index >= 0) {
        JsonNode old = values[index];
        values[index] = value;
        return old;
      }
      ensureOwnKeys(size + 1);
      if (values.length <= size) {
        values = Arrays.copyOf(values, Math.max(4, size * 2));
      }
      keys[size] = key;
      values[size++] = value;
      return null;
    }

    @Override
    public JsonNode remove(Object key) {
      int index = indexOf(key);
      return index < 0 ? null : removeAt(index);
    }

    private JsonNode removeAt(int index) {
      JsonNode old = values[index];
      ensureOwnKeys(size);
      System.arraycopy(keys, index + 1, keys, index, size - index - 1);
      System.arraycopy(values, index + 1, values, index, size - index - 1);
      size--;
      keys[size] = null;
      values[size] = null;
      return old;
    }

    @Override
    public void clear() {
      ensureOwnKeys(0);
      Arrays.fill(keys, null);
      Arrays.fill(values, null);
      size = 0;
    }

    private void ensureOwnKeys(int capacity) {
      if (!ownKeys || keys.length < capacity) {
        keys = Arrays.copyOf(keys, Math.max(capacity, keys.length));
        ownKeys = true;
      }
    }

    @Override
    public Set<Map.Entry<String, JsonNode>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public int size() {
          return size;
        }

        @Override
        public Iterator<Map.Entry<String, JsonNode>> iterator() {
          return new Iterator<>() {
            private int next;
            private int last = -1;

            @Override
            public boolean hasNext() {
              return next < size;
            }

            @Override
            public Map.Entry<String, JsonNode> next() {
              if (next >= size) {
                throw new NoSuchElementException();
              }
              last = next++;
              return new Entry(last);
            }

            @Override
            public void remove() {
              if (last < 0) {
                throw new IllegalStateException();
              }
              removeAt(last);
              next = last;
              last = -1;
            }
          };
        }
      };
    }

    private final class Entry implements Map.Entry<String, JsonNode> {
      private final int index;

      Entry(int index) {
        this.index = index;
      }

      @Override
      public String getKey() {
        return keys[index];
      }

      @Override
      public JsonNode getValue() {
        return values[index];
      }

      @Override
      public JsonNode setValue(JsonNode value) {
        JsonNode old = values[index];
        values[index] = value;
        return old;
      }

      @Override
      public boolean equals(Object other) {
        return other instanceof Map.Entry<?, ?> entry
            && getKey().equals(entry.getKey()) && getValue().equals(entry.getValue());
      }

      @Override
      public int hashCode() {
        return getKey().hashCode() ^ getValue().hashCode();
      }
    }
  }
}
