package dev.tapline.tap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.tapline.spec.Json;
import java.util.AbstractList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;

/**
 * An array of a {@link JsonTape} whose items are read on first use (see {@link LazyJson}). Until
 * then {@link MessageOutput} copies its bytes.
 */
final class LazyArrayNode extends ArrayNode {

  private static final long serialVersionUID = 1L;

  private final transient Items items;

  LazyArrayNode(JsonTape tape, int container) {
    this(new Items(tape, container));
  }

  private LazyArrayNode(Items items) {
    super(Json.NODES, items);
    this.items = items;
  }

  /** Whether no item was read yet (so the node is exactly its bytes). */
  boolean isUnread() {
    return items.items == null;
  }

  JsonTape tape() {
    return items.tape;
  }

  int container() {
    return items.container;
  }

  /** The items, read from the tape when first used. */
  private static final class Items extends AbstractList<JsonNode> {
    private final transient JsonTape tape;
    private final int container;
    private List<JsonNode> items;

    Items(JsonTape tape, int container) {
      this.tape = tape;
      this.container = container;
    }

    private List<JsonNode> items() {
      List<JsonNode> read = items;
      if (read == null) {
        read = LazyJson.readArray(tape, container);
        items = read;
      }
      return read;
    }

    @Override
    public int size() {
      return items().size();
    }

    @Override
    public JsonNode get(int index) {
      return items().get(index);
    }

    @Override
    public JsonNode set(int index, JsonNode value) {
      return items().set(index, value);
    }

    @Override
    public void add(int index, JsonNode value) {
      items().add(index, value);
      modCount++;
    }

    @Override
    public boolean add(JsonNode value) {
      modCount++;
      return items().add(value);
    }

    @Override
    public boolean addAll(Collection<? extends JsonNode> values) {
      modCount++;
      return items().addAll(values);
    }

    @Override
    public JsonNode remove(int index) {
      modCount++;
      return items().remove(index);
    }

    @Override
    public void clear() {
      modCount++;
      items().clear();
    }

    @Override
    public Iterator<JsonNode> iterator() {
      return items().iterator();
    }
  }
}
