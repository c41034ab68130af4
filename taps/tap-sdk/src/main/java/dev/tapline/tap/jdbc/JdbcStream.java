package dev.tapline.tap.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.CatalogEntry;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import dev.tapline.spec.Metadata;
import dev.tapline.spec.TaplineException;
import dev.tapline.tap.RecordLayout;
import dev.tapline.tap.ReplicationMethod;
import dev.tapline.tap.StreamContext;
import dev.tapline.tap.StreamSpec;
import dev.tapline.tap.TapStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A stream over one table or view of a relational database, read through JDBC with a server-side
 * cursor: the whole table ({@code FULL_TABLE}), or the rows at or after the bookmark in the order
 * of the replication key ({@code INCREMENTAL}, with the maximum at the start of the sync as
 * signpost). A database tap extends it with how to connect and how to quote a name; a tap whose
 * database has a change log overrides {@link #logRecords}.
 *
 * <p>Instances are made on the main thread by {@code Tap.streams}; {@link #records} runs on the
 * SDK's reading thread and opens a connection of its own, closed with the returned stream.
 */
public abstract class JdbcStream implements TapStream {

  private final JdbcTable table;
  private final StreamSpec spec;

  /**
   * @param table what discovery found
   * @param defaultMethod the replication method used when the catalog names none
   * @param defaultReplicationKey the replication key used when the catalog names none; may be null
   * @param extraProperties properties of the schema beyond the table's columns (for example
   *     change-log metadata such as a log position); may be empty
   */
  protected JdbcStream(JdbcTable table, ReplicationMethod defaultMethod, String defaultReplicationKey,
      ObjectNode extraProperties) {
    this.table = table;
    this.spec = buildSpec(table, defaultMethod, defaultReplicationKey, extraProperties);
  }

  /** The table this stream reads. */
  public final JdbcTable table() {
    return table;
  }

  /** A new connection for one sync of this stream; the caller closes it. */
  protected abstract Connection connect() throws SQLException;

  /** The identifier quoted for the database's SQL, whatever characters it holds. */
  protected abstract String quote(String identifier);

  /** Rows fetched from the server in one round trip of the cursor. */
  protected int fetchSize() {
    return 20_000;
  }

  /** The schema-qualified, quoted name of the table. */
  protected String qualifiedName() {
    return table.schemaName() == null
        ? quote(table.tableName())
        : quote(table.schemaName()) + "." + quote(table.tableName());
  }

  @Override
  public StreamSpec spec() {
    return spec;
  }

  private static StreamSpec buildSpec(JdbcTable source, ReplicationMethod method,
      String replicationKey, ObjectNode extraProperties) {
    ObjectNode schema = Json.object();
    schema.put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    List<String> validKeys = new ArrayList<>();
    for (JdbcColumn column : source.columns()) {
      properties.set(column.name(), column.schema().deepCopy());
      if (column.orderable()) {
        validKeys.add(column.name());
      }
    }
    properties.setAll(extraProperties);
    return new StreamSpec(source.streamName(), schema, source.primaryKey(), replicationKey, true,
        validKeys, method, false);
  }

  /**
   * The standard catalog entry with what the database knows besides: {@code schema-name}, {@code
   * is-view}, {@code row-count} (the database's estimate) and each column's {@code sql-datatype}.
   */
  @Override
  public CatalogEntry catalogEntry() {
    CatalogEntry standard = TapStream.super.catalogEntry();
    List<String> root = List.of();
    Metadata metadata = standard.metadata()
        .with(root, Metadata.IS_VIEW, table.view())
        .with(root, Metadata.ROW_COUNT, Json.NODES.numberNode(table.rowCount()));
    if (table.schemaName() != null) {
      metadata = metadata.with(root, Metadata.SCHEMA_NAME, table.schemaName());
    }
    for (JdbcColumn column : table.columns()) {
      if (column.sqlDataType() != null) {
        metadata = metadata.with(Metadata.property(column.name()), Metadata.SQL_DATATYPE,
            column.sqlDataType());
      }
    }
    return standard.withMetadata(metadata);
  }

  @Override
  public Stream<ObjectNode> records(StreamContext context) {
    ReplicationMethod method = context.replicationMethod();
    if (method == ReplicationMethod.LOG_BASED) {
      return logRecords(context);
    }
    if (method == ReplicationMethod.INCREMENTAL) {
      return rows(context, replicationColumn(context), context.startingValue().orElse(null));
    }
    return rows(context, null, null);
  }

  /**
   * The records of a {@code LOG_BASED} sync. The default refuses: override it in a tap whose
   * database has a change log.
   */
  protected Stream<ObjectNode> logRecords(StreamContext context) {
    throw new ConfigurationException("Stream '" + spec.name()
        + "': LOG_BASED replication is not supported by this tap; use FULL_TABLE or INCREMENTAL.");
  }

  /** The maximum of the replication key now, so the bookmark of this sync stops there. */
  @Override
  public JsonNode signpost(StreamContext context) {
    if (context.replicationMethod() != ReplicationMethod.INCREMENTAL) {
      return null;
    }
    JdbcColumn column = replicationColumn(context);
    String sql = "SELECT MAX(" + quote(column.name()) + ") FROM " + qualifiedName();
    try (Connection connection = connect();
        PreparedStatement statement = connection.prepareStatement(sql);
        ResultSet row = statement.executeQuery()) {
      row.next();
      JsonNode value = column.reader().read(row, 1);
      return value.isNull() ? null : value;
    } catch (SQLException e) {
      throw failure("reading the maximum of " + column.name(), e);
    }
  }

  private JdbcColumn replicationColumn(StreamContext context) {
    String key = context.replicationKey();
    return table.column(key).orElseThrow(() -> new ConfigurationException("Stream '" + spec.name()
        + "': replication key '" + key + "' is not a column of " + qualifiedName()
        + "; choose one of " + spec.validReplicationKeys() + "."));
  }

  /** The table's columns the catalog keeps, in table order. */
  protected List<JdbcColumn> selectedColumns(StreamContext context) {
    List<JdbcColumn> selected = new ArrayList<>();
    for (JdbcColumn column : table.columns()) {
      if (context.isPropertySelected(column.name())) {
        selected.add(column);
      }
    }
    return selected;
  }

  /** The select list of the given columns, quoted. */
  protected String selectList(List<JdbcColumn> columns) {
    StringBuilder list = new StringBuilder();
    for (JdbcColumn column : columns) {
      if (list.length() > 0) {
        list.append(", ");
      }
      list.append(quote(column.name()));
    }
    return list.length() == 0 ? "1" : list.toString();
  }

  /**
   * Binds the starting value of an incremental read. The default sends numbers as decimals and
   * everything else as text of an unspecified type, for the server to convert.
   */
  protected void bindStartingValue(PreparedStatement statement, int index, JsonNode value,
      JdbcColumn column) throws SQLException {
    if (value.isNumber()) {
      statement.setBigDecimal(index, value.decimalValue());
    } else {
      statement.setObject(index, value.asText(), Types.OTHER);
    }
  }

  private Stream<ObjectNode> rows(StreamContext context, JdbcColumn key, JsonNode startingValue) {
    Connection connection = null;
    try {
      connection = connect();
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
    } catch (SQLException e) {
      closeQuietly(connection);
      throw failure("connecting", e);
    }
    return query(context, connection, key, startingValue);
  }

  /**
   * The selected columns of every row (key null), or of the rows at or after the starting value in
   * the order of the key, read with a server-side cursor on a connection already in a transaction
   * (autocommit off). The stream owns the connection from here on: closing the stream rolls the
   * transaction back and closes the connection.
   */
  protected final Stream<ObjectNode> query(StreamContext context, Connection connection,
      JdbcColumn key, JsonNode startingValue) {
    List<JdbcColumn> columns = selectedColumns(context);
    StringBuilder sql = new StringBuilder("SELECT ").append(selectList(columns))
        .append(" FROM ").append(qualifiedName());
    if (key != null) {
      if (startingValue != null) {
        sql.append(" WHERE ").append(quote(key.name())).append(" >= ?");
      }
      sql.append(" ORDER BY ").append(quote(key.name())).append(" ASC");
    }
    try {
      PreparedStatement statement = connection.prepareStatement(sql.toString(),
          ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
      statement.setFetchSize(context.isTestRun() ? 1 : fetchSize());
      if (context.isTestRun()) {
        statement.setMaxRows(1);
      }
      if (key != null && startingValue != null) {
        bindStartingValue(statement, 1, startingValue, key);
      }
      context.log().debug("Query: " + sql);
      ResultSet resultSet = statement.executeQuery();
      RowSpliterator rows = new RowSpliterator(connection, statement, resultSet, columns);
      return StreamSupport.stream(rows, false).onClose(rows::close);
    } catch (SQLException e) {
      closeQuietly(connection);
      throw failure("reading " + qualifiedName(), e);
    }
  }

  /** An error naming the stream and what was being done, keeping the database's message. */
  protected TaplineException failure(String doing, SQLException e) {
    return new TaplineException("Stream '" + spec.name() + "': failed " + doing + ": "
        + e.getMessage().strip() + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")"), e);
  }

  /** Closes, ignoring a failure: for cleaning up after an error that is reported instead. */
  protected static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception ignored) {
      // closing after a failure: the first error is the one reported
    }
  }

  /** Turns the rows of an open cursor into records; closing ends the transaction and connection. */
  private final class RowSpliterator extends Spliterators.AbstractSpliterator<ObjectNode> {
    private final Connection connection;
    private final PreparedStatement statement;
    private final ResultSet resultSet;
    private final RecordLayout layout;
    private final ColumnReader[] readers;
    private boolean closed;

    RowSpliterator(Connection connection, PreparedStatement statement, ResultSet resultSet,
        List<JdbcColumn> columns) {
      super(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL);
      this.connection = connection;
      this.statement = statement;
      this.resultSet = resultSet;
      this.layout = new RecordLayout(columns.stream().map(JdbcColumn::name).toList());
      this.readers = new ColumnReader[columns.size()];
      for (int i = 0; i < readers.length; i++) {
        readers[i] = columns.get(i).reader();
      }
    }

    @Override
    public boolean tryAdvance(Consumer<? super ObjectNode> action) {
      try {
        if (closed || !resultSet.next()) {
          return false;
        }
        JsonNode[] values = new JsonNode[readers.length];
        for (int i = 0; i < values.length; i++) {
          JsonNode value = readers[i].read(resultSet, i + 1);
          values[i] = value == null ? NullNode.getInstance() : value;
        }
        action.accept(layout.record(values));
        return true;
      } catch (SQLException e) {
        throw failure("reading " + qualifiedName(), e);
      }
    }

    void close() {
      if (closed) {
        return;
      }
      closed = true;
      closeQuietly(resultSet);
      closeQuietly(statement);
      try {
        connection.rollback();
      } catch (SQLException ignored) {
        // a read-only transaction: nothing to undo
      }
      closeQuietly(connection);
    }
  }
}
