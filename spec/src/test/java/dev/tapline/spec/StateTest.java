package dev.tapline.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StateTest {

  @Test
  void bookmarksAreReadAndWrittenWithoutTouchingTheArgument() {
    var state = Json.parse("{\"bookmarks\": {\"a\": {\"updated_at\": \"2024-01-01\"}}, \"other\": 1}");
    var updated = State.withBookmarkValue(state, "b", "id", Json.NODES.numberNode(5));
    assertTrue(State.bookmark(state, "b").isEmpty(), "the argument is unchanged");
    assertEquals(5, State.bookmarkValue(updated, "b", "id").orElseThrow().intValue());
    assertEquals("2024-01-01", State.bookmarkValue(updated, "a", "updated_at").orElseThrow().asText());
    assertEquals(1, updated.get("other").intValue(), "unknown fields are kept");
    assertTrue(State.bookmarkValue(null, "a", "x").isEmpty());
    assertTrue(State.bookmark(State.withoutBookmark(updated, "a"), "a").isEmpty());
  }

  @Test
  void mergeKeepsStreamsTheNewerStateDoesNotName() {
    var older = Json.parse("{\"bookmarks\": {\"a\": {\"v\": 1}, \"b\": {\"v\": 1}}}");
    var newer = Json.parse("{\"bookmarks\": {\"b\": {\"v\": 2}}, \"currently_syncing\": null}");
    var merged = State.merge(older, newer);
    assertEquals(1, merged.at("/bookmarks/a/v").intValue());
    assertEquals(2, merged.at("/bookmarks/b/v").intValue());
  }

  @Test
  void currentlySyncing() {
    var state = State.withCurrentlySyncing(State.empty(), "users");
    assertEquals("users", State.currentlySyncing(state).orElseThrow());
    assertTrue(State.currentlySyncing(State.withCurrentlySyncing(state, null)).isEmpty());
  }

  @Test
  void emptyStates() {
    assertTrue(new StateMessage(Json.parse("{}")).isEmpty());
    assertTrue(new StateMessage(Json.parse("null")).isEmpty());
    assertTrue(!new StateMessage(Json.parse("{\"a\":1}")).isEmpty());
  }
}
