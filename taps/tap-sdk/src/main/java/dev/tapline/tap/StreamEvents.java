package dev.tapline.tap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What a stream asks of the SDK besides records ({@link StreamContext#activateVersion},
 * {@link StreamContext#putBookmark}, ...), kept in the order asked so that it reaches stdout
 * between the records it was asked between. Filled and drained on the thread producing the
 * records.
 */
final class StreamEvents {

  /** One request, carried with the records from the producing thread to the writing one. */
  sealed interface Event
      permits ActivateVersion, RecordVersion, PutBookmark, EmitState, AdvanceBookmark, BeginPartition {}

  record ActivateVersion(long version) implements Event {}

  record RecordVersion(Long version) implements Event {}

  record PutBookmark(String field, JsonNode value) implements Event {}

  record EmitState() implements Event {}

  /** {@link StreamContext#advanceBookmark}; {@code partition} null for the stream's own bookmark. */
  record AdvanceBookmark(JsonNode value, ObjectNode partition) implements Event {}

  /** {@link StreamContext#beginPartition}: the records that follow belong to {@code partition}. */
  record BeginPartition(ObjectNode partition) implements Event {}

  private List<Event> pending = new ArrayList<>();
  private boolean any;

  void add(Event event) {
    pending.add(event);
    any = true;
  }

  boolean hasPending() {
    return any;
  }

  /** The requests made since the last call, in order; empty when none. */
  List<Event> drain() {
    if (!any) {
      return List.of();
    }
    List<Event> drained = pending;
    pending = new ArrayList<>();
    any = false;
    return drained;
  }
}
