package dev.tapline.tap.postgres;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.tap.StreamContext;
import java.util.List;
import java.util.stream.Stream;

/** LOG_BASED reading through a logical replication slot with pgoutput. */
final class LogicalReplication {

  private final PostgresSettings settings;
  private final PostgresConnections connections;
  private List<PostgresStream> streams = List.of();

  LogicalReplication(PostgresSettings settings, PostgresConnections connections) {
    this.settings = settings;
    this.connections = connections;
  }

  void register(List<PostgresStream> all) {
    this.streams = List.copyOf(all);
  }

  void check(PostgresStream stream, StreamContext context) {
  }

  Stream<ObjectNode> records(PostgresStream stream, StreamContext context) {
    throw new UnsupportedOperationException();
  }
}
