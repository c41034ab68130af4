package dev.tapline.tap;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.tapline.spec.Catalog;
import dev.tapline.spec.CatalogEntry;
import dev.tapline.spec.Json;
import dev.tapline.spec.Metadata;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Builds the catalog {@code --discover} writes: every stream with the standard metadata. */
final class Discovery {

  private Discovery() {}

  static Catalog catalog(List<TapStream> streams) {
    List<CatalogEntry> entries = new ArrayList<>();
    for (TapStream stream : streams) {
      entries.add(stream.catalogEntry());
    }
    return new Catalog(entries);
  }

  static CatalogEntry entry(StreamSpec spec) {
    List<String> root = List.of();
    Metadata metadata = Metadata.empty()
        .with(root, Metadata.INCLUSION, Metadata.AVAILABLE)
        .with(root, Metadata.SELECTED_BY_DEFAULT, true)
        .with(root, Metadata.TABLE_KEY_PROPERTIES, strings(spec.keyProperties()));
    if (!spec.validReplicationKeys().isEmpty()) {
      metadata = metadata.with(root, Metadata.VALID_REPLICATION_KEYS,
          strings(spec.validReplicationKeys()));
    }
    if (spec.forcedReplicationMethod()) {
      metadata = metadata.with(root, Metadata.FORCED_REPLICATION_METHOD,
          spec.replicationMethod().name());
    }
    Set<String> automatic = automaticProperties(spec.keyProperties(), spec.replicationKey());
    for (String property : propertyNames(spec)) {
      List<String> breadcrumb = Metadata.property(property);
      metadata = metadata
          .with(breadcrumb, Metadata.INCLUSION,
              automatic.contains(property) ? Metadata.AUTOMATIC : Metadata.AVAILABLE)
          .with(breadcrumb, Metadata.SELECTED_BY_DEFAULT, true);
    }
    return new CatalogEntry(spec.name(), spec.schema().deepCopy(), spec.keyProperties(), metadata);
  }

  static Set<String> automaticProperties(List<String> keys, String replicationKey) {
    Set<String> automatic = new HashSet<>(keys);
    if (replicationKey != null) {
      automatic.add(replicationKey);
    }
    return automatic;
  }

  static List<String> propertyNames(StreamSpec spec) {
    List<String> names = new ArrayList<>();
    spec.properties().fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static ArrayNode strings(List<String> values) {
    ArrayNode array = Json.array();
    values.forEach(array::add);
    return array;
  }
}
