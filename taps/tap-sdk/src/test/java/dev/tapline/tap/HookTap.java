package dev.tapline.tap;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.CatalogEntry;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import dev.tapline.spec.Metadata;
import dev.tapline.spec.config.Setting;
import java.util.List;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A tap using the SDK's extension points, for their tests: {@code copy} is a full-table copy
 * with table versions that resumes after its last bookmarked id; {@code changes} is LOG_BASED
 * without replication key and keeps a {@code position} of its own; discovery adds metadata; a
 * setting makes {@link #beforeSync} refuse.
 */
final class HookTap extends Tap<HookTap.Settings> {

  record Settings(
      @Setting(description = "Rows of the copy stream", defaultValue = "10") int rows,
      @Setting(description = "Version a fresh copy takes", defaultValue = "1700000000000") long version,
      @Setting(description = "Refuse the sync in beforeSync", defaultValue = "false") boolean refuse) {}

  @Override
  protected List<TapStream> streams(Settings settings) {
    return List.of(new Copy(settings), new Changes());
  }

  @Override
  protected void beforeSync(Settings settings, List<SelectedStream> selected) {
    if (settings.refuse()) {
      throw new ConfigurationException("refused before syncing "
          + selected.stream()
              .map(s -> s.stream().spec().name() + ":" + s.context().replicationMethod())
              .collect(Collectors.joining(", ")));
    }
  }

  private static ObjectNode idSchema() {
    return (ObjectNode) Json.parse(
        "{\"type\": \"object\", \"properties\": {\"id\": {\"type\": \"integer\"}}}");
  }

  private static final class Copy implements TapStream {
    private final Settings settings;

    Copy(Settings settings) {
      this.settings = settings;
    }

    @Override
    public StreamSpec spec() {
      return StreamSpec.of("copy", idSchema()).withKeyProperties("id");
    }

    @Override
    public CatalogEntry catalogEntry() {
      CatalogEntry entry = TapStream.super.catalogEntry();
      return entry.withMetadata(entry.metadata()
          .with(List.of(), Metadata.ROW_COUNT, Json.NODES.numberNode(settings.rows()))
          .with(Metadata.property("id"), Metadata.SQL_DATATYPE, "bigint"));
    }

    @Override
    public Stream<ObjectNode> records(StreamContext context) {
      Optional<ObjectNode> bookmark = context.bookmark();
      int lastId = bookmark.map(b -> b.path("last_id").asInt(0)).orElse(0);
      long version;
      if (lastId > 0) {
        version = bookmark.get().get("version").longValue();
        context.setRecordVersion(version);
      } else {
        version = settings.version();
        context.putBookmark("version", Json.NODES.numberNode(version));
        if (bookmark.isEmpty()) {
          context.activateVersion(version);
        } else {
          context.setRecordVersion(version);
        }
      }
      int interval = context.stateIntervalRows();
      Spliterator<ObjectNode> rows = new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE, 0) {
        int next = lastId + 1;
        int handedOver;

        @Override
        public boolean tryAdvance(Consumer<? super ObjectNode> action) {
          if (handedOver > 0 && handedOver % interval == 0) {
            context.putBookmark("last_id", Json.NODES.numberNode(next - 1));
            context.emitState();
          }
          if (next > settings.rows()) {
            context.putBookmark("last_id", null);
            context.activateVersion(version);
            return false;
          }
          ObjectNode record = Json.object();
          record.put("id", next++);
          handedOver++;
          action.accept(record);
          return true;
        }
      };
      return StreamSupport.stream(rows, false);
    }
  }

  private static final class Changes implements TapStream {
    @Override
    public StreamSpec spec() {
      return StreamSpec.of("changes", idSchema()).withKeyProperties("id")
          .withForcedReplicationMethod(ReplicationMethod.LOG_BASED);
    }

    /** Read from the log, records also carry the position of the change. */
    @Override
    public StreamSpec specFor(ReplicationMethod method) {
      StreamSpec spec = spec();
      if (method != ReplicationMethod.LOG_BASED) {
        return spec;
      }
      ObjectNode schema = spec.schema().deepCopy();
      ((ObjectNode) schema.get("properties")).putObject("_position").put("type", "integer");
      return new StreamSpec(spec.name(), schema, spec.keyProperties(), spec.replicationKey(),
          spec.sorted(), spec.validReplicationKeys(), spec.replicationMethod(),
          spec.forcedReplicationMethod());
    }

    @Override
    public Stream<ObjectNode> records(StreamContext context) {
      long position = context.bookmark().map(b -> b.path("position").asLong()).orElse(0L);
      ObjectNode change = Json.object();
      change.put("id", (int) position + 1);
      change.put("_position", position + 1);
      // only the final STATE holds it, written after the record
      context.putBookmark("position", Json.NODES.numberNode(position + 1));
      return Stream.of(change);
    }
  }
}
