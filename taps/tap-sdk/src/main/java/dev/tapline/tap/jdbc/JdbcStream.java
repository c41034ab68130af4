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
 * signpost).
 *
 * <p>A {@code FULL_TABLE} copy is a table version: a fresh copy takes the current epoch
 * milliseconds as version, stamps every record with it and writes ACTIVATE_VERSION after its last
 * record, so a target replaces the rows of older versions only once the copy is complete. The
 * first copy of a stream (no {@code version} in its bookmark) also writes ACTIVATE_VERSION before
 * its first record, so a target creates the table and shows rows at once. A table with a primary
 * key is read in key order and its bookmark holds the copy's progress, {@code {"version": v,
 * "last_pk_fetched": {column: value}}}, written every {@code state_interval_rows} records; a run
 * starting from such a bookmark resumes after that key under the same version. A finished copy
 * removes {@code last_pk_fetched} and keeps {@code version}. A database tap extends it with how to connect and how to quote a name; a tap whose
 * database has a change log overrides {@link #logRecords}.
 *
 * <p>Instances are made on the main thread by {@code Tap.streams}; {@link #records} runs on the
 * SDK's reading thread and opens a connection of its own, closed with the returned stream.
 */
public abstract class JdbcStream implements TapStream {

  /** Bookmark field: the table version of the last {@code FULL_TABLE} copy, finished or not. */
  public static final String VERSION = "version";
  /** Bookmark field: the primary key of the last row an unfinished copy has handed over. */
  public static final String LAST_PK_FETCHED = "last_pk_fetched";

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
    return fullTable(context);
  }

  /**
   * A {@code FULL_TABLE} copy as a table version, resumed from {@code last_pk_fetched} when the
   * bookmark holds an unfinished copy of a table with a primary key (see the class comment).
   */
  protected Stream<ObjectNode> fullTable(StreamContext context) {
    List<JdbcColumn> key = new ArrayList<>();
    for (String name : table.primaryKey()) {
      table.column(name).ifPresent(key::add);
    }
    if (key.size() != table.primaryKey().size()) {
      key.clear();
    }
    ObjectNode bookmark = context.bookmark().orElse(null);
    JsonNode lastKey = bookmark == null ? null : bookmark.get(LAST_PK_FETCHED);
    JsonNode savedVersion = bookmark == null ? null : bookmark.get(VERSION);
    boolean resuming = !key.isEmpty() && lastKey instanceof ObjectNode
        && savedVersion != null && savedVersion.canConvertToLong()
        && key.stream().allMatch(column -> lastKey.hasNonNull(column.name()));
    long version;
    if (resuming) {
      version = savedVersion.longValue();
      context.log().info("Resuming the copy of version " + version + " after " + lastKey + ".");
      context.setRecordVersion(version);
    } else {
      version = newVersion(savedVersion);
      context.putBookmark(VERSION, Json.NODES.numberNode(version));
      context.putBookmark(LAST_PK_FETCHED, null);
      if (savedVersion == null) {
        context.activateVersion(version);
      } else {
        context.setRecordVersion(version);
      }
    }
    Connection connection = openReadOnly();
    StringBuilder sql = new StringBuilder();
    List<JsonNode> values = new ArrayList<>();
    if (!key.isEmpty()) {
      String columns = selectList(key);
      if (resuming) {
        sql.append(" WHERE (").append(columns).append(") > (");
        for (int i = 0; i < key.size(); i++) {
          sql.append(i == 0 ? "?" : ", ?");
          values.add(lastKey.get(key.get(i).name()));
        }
        sql.append(')');
      }
      sql.append(" ORDER BY ").append(columns);
    }
    Stream<ObjectNode> rows = select(context, connection, sql.toString(), statement -> {
      for (int i = 0; i < values.size(); i++) {
        bindKeyValue(statement, i + 1, values.get(i), key.get(i));
      }
    });
    CopyProgress progress = new CopyProgress(rows.spliterator(), context, key, version);
    return StreamSupport.stream(progress, false).onClose(rows::close);
  }

  /**
   * A new table version: the current epoch milliseconds, and always above the earlier version
   * (may be null), which a target compares it with, even when the clock went back.
   */
  public static long newVersion(JsonNode earlier) {
    long now = System.currentTimeMillis();
    return earlier != null && earlier.canConvertToLong() ? Math.max(now, earlier.longValue() + 1) : now;
  }

  /**
   * Binds a primary-key value of {@code last_pk_fetched} when a copy resumes. The default binds
   * it as {@link #bindStartingValue} does.
   */
  protected void bindKeyValue(PreparedStatement statement, int index, JsonNode value,
      JdbcColumn column) throws SQLException {
    bindStartingValue(statement, index, value, column);
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
    return query(context, openReadOnly(), key, startingValue);
  }

  /** A new connection in a read-only transaction, for one query. */
  private Connection openReadOnly() {
    Connection connection = null;
    try {
      connection = connect();
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
      return connection;
    } catch (SQLException e) {
      closeQuietly(connection);
      throw failure("connecting", e);
    }
  }

  /**
   * The selected columns of every row (key null), or of the rows at or after the starting value in
   * the order of the key, read with a server-side cursor on a connection already in a transaction
   * (autocommit off). The stream owns the connection from here on: closing the stream rolls the
   * transaction back and closes the connection.
   */
  protected final Stream<ObjectNode> query(StreamContext context, Connection connection,
      JdbcColumn key, JsonNode startingValue) {
    StringBuilder sql = new StringBuilder();
    if (key != null) {
      if (startingValue != null) {
        sql.append(" WHERE ").append(quote(key.name())).append(" >= ?");
      }
      sql.append(" ORDER BY ").append(quote(key.name())).append(" ASC");
    }
    return select(context, connection, sql.toString(), statement -> {
      if (key != null && startingValue != null) {
        bindStartingValue(statement, 1, startingValue, key);
      }
    });
  }

  /** Binds the parameters of a query. */
  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }

  /** The selected columns of the table with {@code conditions} (WHERE and ORDER BY) appended. */
  private Stream<ObjectNode> select(StreamContext context, Connection connection, String conditions,
      Binder binder) {
    List<JdbcColumn> columns = selectedColumns(context);
    String sql = "SELECT " + selectList(columns) + " FROM " + qualifiedName() + conditions;
    try {
      PreparedStatement statement = connection.prepareStatement(sql,
          ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
      statement.setFetchSize(context.isTestRun() ? 1 : fetchSize());
      if (context.isTestRun()) {
        statement.setMaxRows(1);
      }
      binder.bind(statement);
      context.log().debug("Query: " + sql);
      ResultSet resultSet = statement.executeQuery();
      RowSpliterator rows = new RowSpliterator(connection, statement, resultSet, columns);
      return StreamSupport.stream(rows, false).onClose(rows::close);
    } catch (SQLException e) {
      closeQuietly(connection);
      throw failure("reading " + qualifiedName(), e);
    }
  }

  /**
   * Hands the rows of a copy over and tells the SDK its progress: the key of the row handed over
   * {@code state_interval_rows} rows ago, just before the next row, and the end of the version
   * after the last.
   */
  private static final class CopyProgress extends Spliterators.AbstractSpliterator<ObjectNode> {
    private final Spliterator<ObjectNode> rows;
    private final StreamContext context;
    private final List<JdbcColumn> key;
    private final long version;
    private final int interval;
    private ObjectNode current;
    private ObjectNode pendingKey;
    private int untilBookmark;
    private boolean ended;

    CopyProgress(Spliterator<ObjectNode> rows, StreamContext context, List<JdbcColumn> key,
        long version) {
      super(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL);
      this.rows = rows;
      this.context = context;
      this.key = key;
      this.version = version;
      this.interval = context.stateIntervalRows();
      this.untilBookmark = interval;
    }

    @Override
    public boolean tryAdvance(Consumer<? super ObjectNode> action) {
      if (ended) {
        return false;
      }
      if (pendingKey != null) {
        context.putBookmark(LAST_PK_FETCHED, pendingKey);
        context.emitState();
        pendingKey = null;
      }
      if (!rows.tryAdvance(row -> current = row)) {
        ended = true;
        context.putBookmark(LAST_PK_FETCHED, null);
        context.activateVersion(version);
        return false;
      }
      ObjectNode record = current;
      current = null;
      if (!key.isEmpty() && --untilBookmark == 0) {
        untilBookmark = interval;
        ObjectNode values = Json.object();
        for (JdbcColumn column : key) {
          values.set(column.name(), record.get(column.name()));
        }
        pendingKey = values;
      }
      action.accept(record);
      return true;
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
