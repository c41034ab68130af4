package dev.tapline.tap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.CompactFields;
import dev.tapline.spec.Json;
import java.util.AbstractMap;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * An object of a {@link JsonTape} whose members are read on first use (see {@link LazyJson}).
 * Until then {@link MessageOutput} copies its bytes.
 */
final class LazyObjectNode extends ObjectNode {

  private static final long serialVersionUID = 1L;

  LazyObjectNode(JsonTape tape, int container) {
    super(Json.NODES, new Members(tape, container));
  }

  /** Whether no member was read yet (so the node is exactly its bytes). */
  boolean isUnread() {
    return ((Members) _children).members == null;
  }

  /** The members once read (an ordered map over arrays), or null while unread. */
  CompactFields readMembers() {
    return ((Members) _children).members;
  }

  JsonTape tape() {
    return ((Members) _children).tape;
  }

  int container() {
    return ((Members) _children).container;
  }

  /** The members, read from the tape when first used. */
  private static final class Members extends AbstractMap<String, JsonNode> {
    private final transient JsonTape tape;
    private final int container;
    private CompactFields members;

    Members(JsonTape tape, int container) {
      this.tape = tape;
      this.container = container;
    }

    private CompactFields members() {
      CompactFields read = members;
      if (read == null) {
        read = LazyJson.readObject(tape, container);
        members = read;
      }
      return read;
    }

    @Override
    public int size() {
      return members().size();
    }

    @Override
    public boolean isEmpty() {
      return members().isEmpty();
    }

    @Override
    public JsonNode get(Object key) {
      return members().get(key);
    }

    @Override
    public boolean containsKey(Object key) {
      return members().containsKey(key);
    }

    @Override
    public JsonNode put(String key, JsonNode value) {
      return members().put(key, value);
    }

    @Override
    public JsonNode remove(Object key) {
      return members().remove(key);
    }

    @Override
    public void putAll(Map<? extends String, ? extends JsonNode> values) {
      members().putAll(values);
    }

    @Override
    public void clear() {
      members().clear();
    }

    @Override
    public Set<String> keySet() {
      return members().keySet();
    }

    @Override
    public Collection<JsonNode> values() {
      return members().values();
    }

    @Override
    public Set<Map.Entry<String, JsonNode>> entrySet() {
      return members().entrySet();
    }

    @Override
    public boolean equals(Object other) {
      return members().equals(other);
    }

    @Override
    public int hashCode() {
      return members().hashCode();
    }
  }
}
