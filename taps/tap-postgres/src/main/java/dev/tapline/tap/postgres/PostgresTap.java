package dev.tapline.tap.postgres;

import dev.tapline.spec.CatalogEntry;
import dev.tapline.spec.TaplineException;
import dev.tapline.tap.ReplicationMethod;
import dev.tapline.tap.SelectedStream;
import dev.tapline.tap.Tap;
import dev.tapline.tap.TapStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * tap-postgres: tables, views and materialized views of a PostgreSQL database, read FULL_TABLE,
 * INCREMENTAL on a replication key, or LOG_BASED from a logical replication slot with {@code
 * pgoutput}.
 */
public final class PostgresTap extends Tap<PostgresSettings> {

  @Override
  public String description() {
    return "Reads PostgreSQL tables and views: full table, incremental on a column, or log-based"
        + " change data capture through logical replication (pgoutput).";
  }

  @Override
  protected List<TapStream> streams(PostgresSettings settings) {
    return new ArrayList<>(postgresStreams(settings));
  }

  List<PostgresStream> postgresStreams(PostgresSettings settings) {
    PostgresConnections connections = new PostgresConnections(settings);
    LogicalReplication replication = new LogicalReplication(settings, connections);
    List<String> schemas = settings.filterSchemas().map(PostgresDiscovery::schemaList).orElse(List.of());
    List<PostgresStream> streams = new ArrayList<>();
    try (Connection connection = connections.openForSetup()) {
      for (PostgresDiscovery.Relation relation : PostgresDiscovery.discover(connection, schemas)) {
        streams.add(new PostgresStream(relation, settings, connections, replication));
      }
    } catch (SQLException e) {
      throw new TaplineException("Discovery of database '" + settings.dbname() + "' failed: "
          + e.getMessage().strip(), e);
    }
    replication.register(streams);
    return streams;
  }

  /**
   * Checks every LOG_BASED stream (server settings, rights, replica identity) before any stream
   * syncs, so a stream that cannot be read stops the run before the first message.
   */
  @Override
  protected void beforeSync(PostgresSettings settings, List<SelectedStream> selected) {
    for (SelectedStream stream : selected) {
      if (stream.context().replicationMethod() == ReplicationMethod.LOG_BASED
          && stream.stream() instanceof PostgresStream postgres) {
        postgres.checkLogBased(stream.context());
      }
    }
  }

  /**
   * The catalog as {@code --discover} writes it, with the database metadata ({@code schema-name},
   * {@code is-view}, {@code row-count}, {@code sql-datatype}).
   */
  public List<CatalogEntry> catalog(PostgresSettings settings) {
    return postgresStreams(settings).stream().map(PostgresStream::catalogEntry).toList();
  }

  public static void main(String[] args) {
    Tap.main(new PostgresTap(), args);
  }
}
