package dev.tapline.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogTest {

  private static final String CATALOG = """
      {"streams": [
        {"tap_stream_id": "public-users", "stream": "users", "table_name": "users",
         "schema": {"type": "object", "properties": {"id": {"type": "integer"}, "email": {"type": "string"}, "age": {"type": "integer"}}},
         "key_properties": ["id"],
         "metadata": [
           {"breadcrumb": [], "metadata": {"selected": true, "replication-method": "INCREMENTAL", "replication-key": "id", "table-key-properties": ["id"]}},
           {"breadcrumb": ["properties", "id"], "metadata": {"inclusion": "automatic", "selected": false}},
           {"breadcrumb": ["properties", "email"], "metadata": {"inclusion": "available", "selected": false}},
           {"breadcrumb": ["properties", "age"], "metadata": {"inclusion": "unsupported", "selected": true}}
         ]},
        {"tap_stream_id": "orders", "schema": {"properties": {}},
         "metadata": [{"breadcrumb": [], "metadata": {"selected-by-default": true, "table-key-properties": ["order_id"]}}]},
        {"stream": "legacy", "schema": {}, "selected": true},
        {"stream": "silent", "schema": {}}
      ]}
      """;

  @Test
  void selectionFollowsTheSingerRules() {
    Catalog catalog = Catalog.fromJson(Json.parse(CATALOG));
    CatalogEntry users = catalog.find("public-users").orElseThrow();
    assertTrue(users.isSelected(false));
    assertTrue(users.metadata().isPropertySelected("id"), "automatic is always selected");
    assertFalse(users.metadata().isPropertySelected("email"));
    assertFalse(users.metadata().isPropertySelected("age"), "unsupported is never selected");
    assertTrue(users.metadata().isPropertySelected("not-described"));
    assertEquals("INCREMENTAL", users.replicationMethod());
    assertEquals("id", users.replicationKey());

    CatalogEntry orders = catalog.find("orders").orElseThrow();
    assertEquals("orders", orders.stream());
    assertTrue(orders.isSelected(false), "selected-by-default");
    assertEquals(List.of("order_id"), orders.keyProperties(), "keys from table-key-properties");

    assertTrue(catalog.find("legacy").orElseThrow().isSelected(false), "legacy top-level selected");
    assertFalse(catalog.find("silent").orElseThrow().isSelected(false));
    assertTrue(catalog.find("silent").orElseThrow().isSelected(true));
    assertTrue(catalog.find("users").isPresent(), "found by stream name too");
  }

  @Test
  void roundTripsKeepingUnknownFields() {
    Catalog catalog = Catalog.fromJson(Json.parse(CATALOG));
    Catalog again = Catalog.fromJson(catalog.toJson());
    assertEquals(catalog, again);
    assertEquals("users", again.streams().get(0).toJson().get("table_name").asText());
  }

  @Test
  void metadataWithReturnsACopy() {
    Metadata metadata = Metadata.empty();
    Metadata selected = metadata.with(List.of(), Metadata.SELECTED, true);
    assertFalse(metadata.isStreamSelected(false));
    assertTrue(selected.isStreamSelected(false));
  }

  @Test
  void badCatalogsAreExplained() {
    assertTrue(assertThrows(ConfigurationException.class, () -> Catalog.fromJson(Json.parse("{}")))
        .getMessage().contains("\"streams\" list"));
    assertTrue(assertThrows(ConfigurationException.class,
            () -> Catalog.fromJson(Json.parse("{\"streams\": [{\"stream\": \"x\"}]}")))
        .getMessage().contains("no \"schema\""));
  }
}
