package dev.tapline.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A checkpoint: the opaque value a tap needs to resume. By convention an object of the form {@code
 * {"bookmarks": {stream: {...}}}}; see {@link State}.
 */
public record StateMessage(JsonNode value) implements Message {

  public StateMessage {
    Objects.requireNonNull(value, "value");
  }

  @Override
  public MessageType type() {
    return MessageType.STATE;
  }

  /** True when the value carries nothing: null, or an empty object or array. */
  public boolean isEmpty() {
    return value.isNull() || value.isMissingNode() || (value.isContainerNode() && value.isEmpty());
  }
}
