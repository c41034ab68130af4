package dev.tapline.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompactFieldsTest {

  private static List<String> names(ObjectNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void keepsInsertionOrderAndReplacesInPlace() {
    ObjectNode node = CompactFields.objectNode();
    for (int i = 0; i < 20; i++) {
      node.put("f" + i, i);
    }
    node.put("f3", "three");
    assertEquals(20, node.size());
    assertEquals("three", node.get("f3").asText());
    assertEquals(List.of("f0", "f1", "f2", "f3"), names(node).subList(0, 4));
    assertEquals(19, node.get(new String("f19")).intValue());
    assertNull(node.get("missing"));
    assertFalse(node.has("missing"));
  }

  @Test
  void lookupsInAnyOrderFindEveryField() {
    ObjectNode node = CompactFields.objectNode();
    String[] keys = {"id", "name", "amount", "created", "status"};
    for (int i = 0; i < keys.length; i++) {
      node.put(keys[i], i);
    }
    int[] order = {4, 0, 3, 3, 1, 2, 0, 4};
    for (int index : order) {
      assertEquals(index, node.get(keys[index]).intValue(), keys[index]);
    }
  }

  @Test
  void removeAndIteratorRemoveCloseTheGap() {
    ObjectNode node = CompactFields.objectNode();
    node.put("a", 1).put("b", 2).put("c", 3).put("d", 4);
    assertEquals(2, node.remove("b").intValue());
    assertEquals(List.of("a", "c", "d"), names(node));
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      if (it.next().getKey().equals("c")) {
        it.remove();
      }
    }
    assertEquals(List.of("a", "d"), names(node));
    node.retain("d");
    assertEquals(List.of("d"), names(node));
    node.removeAll();
    assertEquals(0, node.size());
  }

  @Test
  void changingTheFieldsWhileIteratingFailsLoudly() {
    ObjectNode node = CompactFields.objectNode();
    node.put("a", 1).put("b", 2);
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    it.next();
    node.put("c", 3);
    assertThrows(ConcurrentModificationException.class, it::next);
  }

  @Test
  void equalsHashCodeAndTextMatchAnOrdinaryObjectNode() throws Exception {
    ObjectNode compact = CompactFields.objectNode();
    ObjectNode ordinary = Json.NODES.objectNode();
    for (ObjectNode node : List.of(compact, ordinary)) {
      node.put("id", 7).put("name", "ü").putNull("gone");
      node.putArray("tags").add("x");
      node.putObject("nested").put("k", true);
    }
    assertEquals(ordinary, compact);
    assertEquals(compact, ordinary);
    assertEquals(ordinary.hashCode(), compact.hashCode());
    assertEquals(Json.mapper().writeValueAsString(ordinary), Json.mapper().writeValueAsString(compact));
    assertEquals(Json.mapper().writeValueAsString(ordinary), compact.toString());
    assertEquals(ordinary, compact.deepCopy());
  }

  @Test
  void entrySetValueWritesThrough() {
    ObjectNode node = CompactFields.objectNode();
    node.put("a", 1).put("b", 2);
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      entry.setValue(Json.NODES.numberNode(entry.getValue().intValue() * 10));
    }
    assertEquals(10, node.get("a").intValue());
    assertEquals(20, node.get("b").intValue());
    assertTrue(node.properties().contains(Map.entry("b", Json.NODES.numberNode(20))));
  }

  @Test
  void sharedNamesAreCopiedBeforeAChange() {
    String[] names = {"a", "b", "c"};
    ObjectNode first = new ObjectNode(Json.NODES, new CompactFields(names,
        new JsonNode[] {Json.NODES.numberNode(1), Json.NODES.numberNode(2), Json.NODES.numberNode(3)}, 3));
    ObjectNode second = new ObjectNode(Json.NODES, new CompactFields(names,
        new JsonNode[] {Json.NODES.numberNode(4), Json.NODES.numberNode(5), Json.NODES.numberNode(6)}, 3));
    first.remove("a");
    first.put("d", 7);
    second.put("b", 50);
    assertEquals(List.of("a", "b", "c"), List.of(names));
    assertEquals(List.of("b", "c", "d"), names(first));
    assertEquals("{\"a\":4,\"b\":50,\"c\":6}", second.toString());
    second.removeAll();
    assertEquals(List.of("a", "b", "c"), List.of(names));
    assertEquals("{\"b\":2,\"c\":3,\"d\":7}", first.toString());
  }

  @Test
  void theReaderBuildsCompactRecords() {
    Message message = MessageReader.parse(
        "{\"type\":\"RECORD\",\"stream\":\"s\",\"record\":{\"id\":1,\"x\":{\"y\":[1,{\"z\":2}]}}}", 1, warning -> { });
    ObjectNode record = ((RecordMessage) message).record();
    assertEquals(2, record.at("/x/y/1/z").intValue());
    record.put("id", 2);
    assertEquals("{\"id\":2,\"x\":{\"y\":[1,{\"z\":2}]}}", record.toString());
  }
}
