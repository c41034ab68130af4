package dev.tapline.tap.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import dev.tapline.tap.ReplicationMethod;
import dev.tapline.tap.StreamContext;
import dev.tapline.tap.StreamSpec;
import dev.tapline.tap.jdbc.JdbcColumn;
import dev.tapline.tap.jdbc.JdbcStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.stream.Stream;

/** One table or view of the source database. */
final class PostgresStream extends JdbcStream {

  /** The log position of a change (the commit's), in every LOG_BASED record. */
  static final String LSN = "_sdc_lsn";
  /** When a row was deleted, in LOG_BASED records of deletes. */
  static final String DELETED_AT = "_sdc_deleted_at";

  private final PostgresDiscovery.Relation relation;
  private final PostgresConnections connections;
  private final PostgresSettings settings;
  private final LogicalReplication replication;
  private final StreamSpec logSpec;
  private final StreamSpec copySpec;

  PostgresStream(PostgresDiscovery.Relation relation, PostgresSettings settings,
      PostgresConnections connections, LogicalReplication replication) {
    super(relation.table(), defaultMethod(relation, settings), null,
        defaultMethod(relation, settings) == ReplicationMethod.LOG_BASED ? logProperties() : Json.object());
    this.relation = relation;
    this.connections = connections;
    this.settings = settings;
    this.replication = replication;
    this.logSpec = withSchemaProperties(spec(), true, relation);
    this.copySpec = withSchemaProperties(spec(), false, relation);
  }

  /** The change-log metadata properties are in the schema of LOG_BASED reads only. */
  @Override
  public StreamSpec specFor(ReplicationMethod method) {
    return method == ReplicationMethod.LOG_BASED && !relation.isView() ? logSpec : copySpec;
  }

  private static StreamSpec withSchemaProperties(StreamSpec spec, boolean log,
      PostgresDiscovery.Relation relation) {
    ObjectNode schema = spec.schema().deepCopy();
    ObjectNode properties = (ObjectNode) schema.get("properties");
    if (log) {
      properties.setAll(logProperties());
    } else {
      for (String name : List.of(LSN, DELETED_AT)) {
        // a table loaded by a Singer target may have columns of these names: they stay
        relation.table().column(name).ifPresentOrElse(
            column -> properties.set(name, column.schema().deepCopy()), () -> properties.remove(name));
      }
    }
    return new StreamSpec(spec.name(), schema, spec.keyProperties(), spec.replicationKey(),
        spec.sorted(), spec.validReplicationKeys(), spec.replicationMethod(),
        spec.forcedReplicationMethod());
  }

  private static ReplicationMethod defaultMethod(PostgresDiscovery.Relation relation,
      PostgresSettings settings) {
    ReplicationMethod method = settings.defaultReplicationMethod();
    return relation.isView() && method == ReplicationMethod.LOG_BASED ? ReplicationMethod.FULL_TABLE : method;
  }

  private static ObjectNode logProperties() {
    ObjectNode properties = Json.object();
    properties.putObject(LSN).putArray("type").add("null").add("integer");
    ObjectNode deleted = properties.putObject(DELETED_AT);
    deleted.putArray("type").add("null").add("string");
    deleted.put("format", "date-time");
    return properties;
  }

  PostgresDiscovery.Relation relation() {
    return relation;
  }

  @Override
  protected Connection connect() throws SQLException {
    return connections.open();
  }

  @Override
  protected String quote(String identifier) {
    return PostgresIdentifiers.quote(identifier);
  }

  @Override
  protected int fetchSize() {
    return settings.itersize();
  }

  /**
   * Sends a key value as text of no declared type, which the server reads as the column's type
   * (so the primary key's index serves the resumed copy).
   */
  @Override
  protected void bindKeyValue(PreparedStatement statement, int index, JsonNode value,
      JdbcColumn column) throws SQLException {
    String text;
    if (value.isNumber()) {
      text = value.decimalValue().toPlainString();
    } else if ("bytea".equals(column.sqlDataType())) {
      text = "\\x" + value.asText();
    } else {
      text = value.asText();
    }
    statement.setObject(index, text, Types.OTHER);
  }

  /** Throws a {@link ConfigurationException} when this stream cannot be read LOG_BASED. */
  void checkLogBased(StreamContext context) {
    replication.check(this, context);
  }

  @Override
  public Stream<ObjectNode> records(StreamContext context) {
    if (relation.kind() == 'm' && !isPopulated()) {
      context.log().warn("Materialized view " + qualifiedName() + " has not been populated, so it has"
          + " no rows to read; run REFRESH MATERIALIZED VIEW on it to read its rows.");
      return Stream.empty();
    }
    return super.records(context);
  }

  private boolean isPopulated() {
    try (Connection connection = connect();
        PreparedStatement statement =
            connection.prepareStatement("SELECT relispopulated FROM pg_class WHERE oid = ?")) {
      statement.setLong(1, relation.oid());
      try (ResultSet row = statement.executeQuery()) {
        return !row.next() || row.getBoolean(1);
      }
    } catch (SQLException e) {
      throw failure("checking whether the materialized view is populated", e);
    }
  }

  /** Every selected column of every row, on a connection already in the snapshot's transaction. */
  Stream<ObjectNode> copy(StreamContext context, Connection connection) {
    return query(context, connection, null, null);
  }

  @Override
  protected Stream<ObjectNode> logRecords(StreamContext context) {
    return replication.records(this, context);
  }
}
