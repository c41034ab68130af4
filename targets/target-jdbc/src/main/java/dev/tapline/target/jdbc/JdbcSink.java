package dev.tapline.target.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Log;
import dev.tapline.spec.RecordMessage;
import dev.tapline.spec.TaplineException;
import dev.tapline.spec.Timestamps;
import dev.tapline.spec.config.SettingsBinder;
import dev.tapline.spec.schema.PropertyType;
import dev.tapline.target.FlatLayout;
import dev.tapline.target.FlatRecord;
import dev.tapline.target.Sink;
import dev.tapline.target.SinkContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads one stream into one table of a SQL database, a batch per transaction: records go into a
 * staging table as they arrive (through the dialect's bulk loader), and {@link #commit()} moves
 * the batch into the final table with one statement (two for the portable upsert) and commits.
 * Nothing of a batch is visible before that commit, so the SDK's state rule holds.
 *
 * <p>When made, the sink creates the schema and table, or evolves the table: new properties add
 * columns, a type that widens without loss widens, any other change follows {@link
 * SchemaChangePolicy}; columns are never dropped. Its connection comes from the run's {@link
 * Connections}: it may be taken between batches (or, with the open batch committed first) by
 * another sink, and is taken again when needed.
 */
public class JdbcSink implements Sink, Connections.Holder {

  static final String TABLE_VERSION = "_sdc_table_version";
  static final String DELETED_AT = "_sdc_deleted_at";

  private static final Log LOG = Log.of(JdbcSink.class);

  private final String stream;
  private final SqlDialect dialect;
  private final Connections connections;
  private final LoadSettings settings;
  private final SqlNames names;
  private final TableName table;
  /** The staging table's name, worked out when a batch first needs one (its hash costs a start-up). */
  private TableName staging;
  private final List<String> keyProperties;
  private final List<String> keyColumns;
  private final LoadMethod loadMethod;
  private final Set<TableName> overwrittenThisRun;
  private final List<Column> columns = new ArrayList<>();
  private Map<String, ColumnType> tableColumns;

  private boolean started;
  private boolean fillsVersion;
  private boolean addedDeletedAt;
  private RecordValues values;
  private StagingWriter writer;
  private long rowNumber;
  private long committedRecords;
  private boolean batchHasDeletes;
  /** The keys of the batch so far, until one repeats (then the merge de-duplicates). */
  private final BatchKeys batchKeys = new BatchKeys();
  private final JsonNode[] keyValues;
  private final boolean direct;
  /** Whether upsert batches may begin straight in the final table (one key, the dialect allows; see {@link #begin}). */
  private final boolean newKeysDirect;
  /** Whether the current batch's writer writes into the final table rather than a staging table. */
  private boolean writingDirectly;
  /** In a direct upsert batch: the greatest key in the table or sent so far; a record must exceed it. */
  private long greatestKey;
  private int[] integerColumns = new int[0];

  /**
   * Prepares the table (creating or evolving it, committed at once).
   *
   * @param context the stream and its schema as records arrive (flattened, with metadata)
   * @param dialect the database's dialect
   * @param connections the run's connections, auto-commit off
   * @param settings the loading settings
   * @param overwrittenThisRun tables already emptied by this run (shared by the run's sinks), for
   *     {@code overwrite}
   */
  public JdbcSink(
      SinkContext<?> context, SqlDialect dialect, Connections connections, LoadSettings settings,
      Set<TableName> overwrittenThisRun) {
    this.stream = context.stream();
    this.dialect = dialect;
    this.connections = connections;
    this.settings = settings;
    this.overwrittenThisRun = overwrittenThisRun;
    this.names = new SqlNames(dialect.maxIdentifierLength());
    this.table = names.table(stream, settings.defaultTargetSchema(), settings.schemaMapping(), dialect.defaultSchema());

    ObjectNode properties = context.properties();
    List<String> propertyNames = new ArrayList<>();
    properties.fieldNames().forEachRemaining(propertyNames::add);
    Map<String, String> columnNames = names.columns(stream, propertyNames);
    for (String property : propertyNames) {
      PropertyType type = PropertyType.of(properties.get(property));
      if (type.union()) {
        LOG.warn("Stream '" + stream + "': property '" + property
            + "' has several types (or none) in its schema; it is stored as JSON");
      }
      columns.add(new Column(property, columnNames.get(property), dialect.columnType(ColumnType.of(type))));
    }
    this.keyProperties = List.copyOf(context.keyProperties());
    this.keyValues = new JsonNode[keyProperties.size()];
    List<String> keys = new ArrayList<>();
    for (String key : keyProperties) {
      String column = columnNames.get(key);
      if (column == null) {
        throw new TaplineException("Stream '" + stream + "': key property '" + key
            + "' is not among the schema's properties " + propertyNames + ". Fix the tap's key_properties.");
      }
      keys.add(column);
    }
    this.keyColumns = List.copyOf(keys);
    LoadMethod method = settings.loadMethod();
    if (method == null) {
      method = keyColumns.isEmpty() ? LoadMethod.APPEND_ONLY : LoadMethod.UPSERT;
    } else if (method == LoadMethod.UPSERT && keyColumns.isEmpty()) {
      LOG.warn("Stream '" + stream + "' has no key properties: its records are appended instead of upserted");
      method = LoadMethod.APPEND_ONLY;
    }
    this.loadMethod = method;
    this.direct = method != LoadMethod.UPSERT && dialect.appendsDirectly();
    this.newKeysDirect = method == LoadMethod.UPSERT && keyColumns.size() == 1 && dialect.appendsDirectly()
        && dialect.upsertsNewKeysDirectly();
    try {
      prepareTable();
    } catch (SQLException e) {
      rollbackQuietly();
      closeQuietly();
      throw new JdbcLoadException("Stream '" + stream + "': could not prepare table " + table, e);
    } catch (RuntimeException e) {
      rollbackQuietly();
      closeQuietly();
      throw e;
    }
  }

  private Column keyColumn() {
    for (Column column : columns) {
      if (column.name().equals(keyColumns.get(0))) {
        return column;
      }
    }
    throw new IllegalStateException("no column for key " + keyColumns);
  }

  /** The table this sink loads. */
  public TableName table() {
    return table;
  }

  /** The columns staged from each record, in order. */
  public List<Column> columns() {
    return List.copyOf(columns);
  }

  private void prepareTable() throws SQLException {
    execute(dialect.createSchema(table.schema()));
    tableColumns = dialect.existingColumns(connection(), table);
    if (tableColumns.isEmpty()) {
      execute(dialect.createTable(table, columns, loadMethod == LoadMethod.UPSERT ? keyColumns : List.of()));
      LOG.info("Created table " + table + " for stream '" + stream + "'");
      tableColumns = dialect.existingColumns(connection(), table);
    } else {
      evolve();
      if (loadMethod == LoadMethod.UPSERT) {
        List<String> current = dialect.keyColumns(connection(), table);
        if (!current.isEmpty() && !current.equals(keyColumns)) {
          LOG.info("Stream '" + stream + "': the key of table " + table + " changes from " + current + " to " + keyColumns);
          for (String statement : dialect.changeKey(table, current, keyColumns)) {
            execute(statement);
          }
        } else if (current.isEmpty()) {
          for (String statement : dialect.changeKey(table, current, keyColumns)) {
            execute(statement);
          }
        }
      }
    }
    connection().commit();
  }

  private void evolve() throws SQLException {
    for (int i = 0; i < columns.size(); i++) {
      Column column = columns.get(i);
      ColumnType existing = tableColumns.get(column.name());
      ColumnType wanted = column.type();
      switch (ColumnChange.of(stream, table, column, existing, settings.schemaChangePolicy())) {
        case ADD -> {
          execute(dialect.addColumn(table, column));
          LOG.info("Stream '" + stream + "': added column " + column.name() + " " + wanted + " to " + table);
        }
        case KEEP -> columns.set(i, column.withType(existing));
        case WIDEN -> {
          execute(dialect.alterColumnType(table, column.name(), wanted));
          LOG.info("Stream '" + stream + "': widened column " + column.name() + " of " + table + " from "
              + existing + " to " + wanted);
        }
        case VERSION -> {
          String renamed = ColumnChange.versionedName(names, column.name());
          execute(dialect.renameColumn(table, column.name(), renamed));
          execute(dialect.addColumn(table, column));
          LOG.warn("Stream '" + stream + "': column " + column.name() + " of " + table + " changes from " + existing
              + " to " + wanted + ": the old column is kept as " + renamed + " and a new one was added");
        }
      }
    }
    tableColumns = dialect.existingColumns(connection(), table);
  }

  @Override
  public void write(ObjectNode record, RecordMessage message) {
    if (writer == null) {
      begin(message.version());
    }
    JsonNode[] keys = keyValues;
    for (int i = 0; i < keys.length; i++) {
      JsonNode key = record.get(keyProperties.get(i));
      if (key == null || key.isNull()) {
        throw new TaplineException("Stream '" + stream + "': a record has no value for key property '"
            + keyProperties.get(i) + "' (key properties " + keyProperties + "). Every record must carry its"
            + " key; fix the tap or remove the property from key_properties.");
      }
      keys[i] = key;
    }
    if (loadMethod == LoadMethod.UPSERT) {
      batchKeys.add(keys);
      if (writingDirectly && !takesNewKey(keys[0])) {
        stageRestOfBatch();
      }
    }
    if (fillsVersion) {
      Long version = message.version();
      if (version == null) {
        record.putNull(TABLE_VERSION);
      } else {
        record.put(TABLE_VERSION, version.longValue());
      }
      if (addedDeletedAt) {
        normaliseDeletedAt(record);
      }
    }
    if (writingDirectly && integerColumns.length > 0) {
      widenBeforeWriting(record);
    }
    if (settings.hardDelete() && !batchHasDeletes) {
      JsonNode deleted = record.get(DELETED_AT);
      batchHasDeletes = deleted != null && !deleted.isNull();
    }
    writer.write(record, ++rowNumber);
  }

  /** The layout {@link #flatColumns} was worked out for, and for each column its property's index there. */
  private FlatLayout flatLayout;
  private int[] flatColumns;
  private int[] flatKeys;
  /** The index of {@code _sdc_deleted_at} in {@link #flatLayout}, or -1. */
  private int flatDeletedAt = -1;

  /**
   * Stages a record read flat, reading its values from their text; a record this path does not
   * cover (a key that is null, compound or neither an integer nor a plain text) goes the tree way,
   * which also words any error. A flat record never holds a {@code _sdc_deleted_at} the schema does
   * not declare (the reader reads such records as trees), so none needs normalising here.
   */
  @Override
  public void write(FlatRecord record) {
    if (writer == null) {
      begin(record.version());
    }
    FlatLayout layout = record.layout();
    if (layout != flatLayout) {
      mapFlat(layout);
    }
    int[] keys = flatKeys;
    for (int key : keys) {
      if (key < 0 || record.kind(key) <= FlatRecord.NULL) {
        write(record.toTree(), record.toMessage());
        return;
      }
    }
    if (loadMethod == LoadMethod.UPSERT) {
      int key = keys.length == 1 ? keys[0] : -1;
      int kind = key < 0 ? FlatRecord.MISSING : record.kind(key);
      if (kind == FlatRecord.INTEGER) {
        long value = record.longValue(key);
        batchKeys.addLong(value);
        if (writingDirectly) {
          if (value > greatestKey) {
            greatestKey = value;
          } else {
            stageRestOfBatch();
          }
        }
      } else if (kind == FlatRecord.ASCII || kind == FlatRecord.UTF8) {
        batchKeys.addText(record.text(key));
        if (writingDirectly) {
          stageRestOfBatch();
        }
      } else {
        write(record.toTree(), record.toMessage());
        return;
      }
    }
    if (flatDeletedAt >= 0 && settings.hardDelete() && !batchHasDeletes) {
      batchHasDeletes = record.kind(flatDeletedAt) > FlatRecord.NULL;
    }
    // a flat integer has at most 18 digits: no column needs widening for it
    writer.write(record, flatColumns, ++rowNumber);
  }

  private void mapFlat(FlatLayout layout) {
    List<Column> staged = values.columns();
    int[] map = new int[staged.size()];
    for (int i = 0; i < map.length; i++) {
      String property = staged.get(i).property();
      map[i] = fillsVersion && property.equals(TABLE_VERSION) ? StagingWriter.TABLE_VERSION : layout.indexOf(property);
    }
    flatDeletedAt = layout.indexOf(DELETED_AT);
    int[] keys = new int[keyProperties.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = layout.indexOf(keyProperties.get(i));
    }
    flatLayout = layout;
    flatColumns = map;
    flatKeys = keys;
  }

  /** Whether a record with this key can go straight into the table: a 64-bit integer above every key so far. */
  private boolean takesNewKey(JsonNode key) {
    if (key.isIntegralNumber() && key.canConvertToLong()) {
      long value = key.longValue();
      if (value > greatestKey) {
        greatestKey = value;
        return true;
      }
    }
    return false;
  }

  /**
   * Ends the direct part of an upsert batch (its rows stay in the uncommitted transaction: their
   * keys were new) and stages the rest of the batch for the ordinary upsert.
   */
  private void stageRestOfBatch() {
    try {
      writer.finish();
      startStaging();
    } catch (SQLException e) {
      throw new JdbcLoadException("Stream '" + stream + "': could not stage the rest of a batch for table " + table, e);
    }
  }

  /** The greatest key in the table, or {@link Long#MIN_VALUE} when it is empty. */
  private long greatestKeyInTable() throws SQLException {
    String key = dialect.quote(keyColumns.get(0));
    try (Statement statement = connection().createStatement();
        ResultSet result = statement.executeQuery("SELECT max(" + key + ") FROM " + table.sql(dialect))) {
      if (!result.next()) {
        return Long.MIN_VALUE;
      }
      java.math.BigDecimal greatest = result.getBigDecimal(1);
      if (greatest == null) {
        return Long.MIN_VALUE;
      }
      // a key column widened to numeric may hold more than 64 bits: then no key is new this way
      return greatest.compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) >= 0
          ? Long.MAX_VALUE : greatest.setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
    }
  }

  /**
   * A {@code _sdc_deleted_at} the schema does not declare was never validated: any value marks
   * the record deleted, and one that is not a timestamp becomes the time it was received.
   */
  private static void normaliseDeletedAt(ObjectNode record) {
    JsonNode deleted = record.get(DELETED_AT);
    if (deleted == null || deleted.isNull()) {
      return;
    }
    String text = deleted.asText();
    if (Timestamps.tryParse(text).isEmpty() || !RecordValues.yearInRange(text)) {
      record.put(DELETED_AT, Timestamps.format(Instant.now()));
    }
  }

  /**
   * Straight into the final table, a value beyond 64 bits would fail the bulk load: the rows sent
   * so far are finished (still uncommitted), the column is widened, and loading goes on.
   */
  private void widenBeforeWriting(ObjectNode record) {
    for (int index : integerColumns) {
      Column column = columns.get(index);
      JsonNode value = record.get(column.property());
      if (value != null && value.isIntegralNumber() && !value.canConvertToLong()
          && column.type().kind() == ColumnType.Kind.BIGINT) {
        try {
          writer.finish();
          ColumnType numeric = dialect.wideInteger();
          execute(dialect.alterColumnType(table, column.name(), numeric));
          columns.set(index, column.withType(numeric));
          LOG.info("Stream '" + stream + "': column " + column.name() + " of " + table
              + " received an integer beyond 64 bits and was widened to " + numeric);
          writer = dialect.appendWriter(connection(), table, values);
        } catch (SQLException e) {
          throw new JdbcLoadException("Stream '" + stream + "': could not widen column " + column.name(), e);
        }
      }
    }
  }

  private void begin(Long firstVersion) {
    try {
      if (!started) {
        started = true;
        boolean declared = columns.stream().anyMatch(c -> c.name().equals(TABLE_VERSION));
        if (!declared && (firstVersion != null || tableColumns.containsKey(TABLE_VERSION))) {
          ensureVersionColumns();
          fillsVersion = true;
          columns.add(new Column(TABLE_VERSION, TABLE_VERSION, ColumnType.BIGINT));
          if (columns.stream().noneMatch(c -> c.name().equals(DELETED_AT))) {
            columns.add(new Column(DELETED_AT, DELETED_AT, tableColumns.get(DELETED_AT)));
            addedDeletedAt = true;
          }
        }
        values = new RecordValues(stream, columns, settings.invalidDatePolicy());
        integerColumns = java.util.stream.IntStream.range(0, columns.size())
            .filter(i -> columns.get(i).type().kind() == ColumnType.Kind.BIGINT).toArray();
      }
      if (direct) {
        if (loadMethod == LoadMethod.OVERWRITE && overwrittenThisRun.add(table)) {
          execute(dialect.deleteAll(table));
        }
        writer = dialect.appendWriter(connection(), table, values);
        writingDirectly = true;
        return;
      }
      // only while the key column is a 64-bit integer (a key beyond 64 bits widens it to numeric)
      if (newKeysDirect && keyColumn().type().kind() == ColumnType.Kind.BIGINT) {
        greatestKey = greatestKeyInTable();
        if (greatestKey < Long.MAX_VALUE) {
          writer = dialect.appendWriter(connection(), table, values);
          writingDirectly = true;
          return;
        }
      }
      startStaging();
    } catch (SQLException e) {
      throw new JdbcLoadException("Stream '" + stream + "': could not start a batch for table " + table, e);
    }
  }

  private void startStaging() throws SQLException {
    writingDirectly = false;
    if (staging == null) {
      staging = dialect.stagingTable(table);
    }
    for (String statement : dialect.createStagingTable(staging, columns)) {
      execute(statement);
    }
    writer = dialect.stagingWriter(connection(), staging, values);
  }

  /** Adds {@code _sdc_table_version} and {@code _sdc_deleted_at} when missing, committed at once. */
  private void ensureVersionColumns() throws SQLException {
    boolean changed = false;
    if (!tableColumns.containsKey(TABLE_VERSION)) {
      execute(dialect.addColumn(table, new Column(TABLE_VERSION, TABLE_VERSION, ColumnType.BIGINT)));
      changed = true;
    }
    if (!tableColumns.containsKey(DELETED_AT)) {
      execute(dialect.addColumn(table, new Column(DELETED_AT, DELETED_AT, ColumnType.TIMESTAMP_TZ)));
      changed = true;
    }
    if (changed) {
      connection().commit();
      tableColumns = dialect.existingColumns(connection(), table);
    }
  }

  @Override
  public void commit() {
    if (writer == null) {
      return;
    }
    try {
      StagingWriter finishing = writer;
      writer = null;
      finishing.finish();
      if (writingDirectly) {
        finishDirect();
        return;
      }
      for (int i = 0; i < columns.size(); i++) {
        Column column = columns.get(i);
        if (values.needsNumeric(i) && column.type().kind() == ColumnType.Kind.BIGINT) {
          ColumnType numeric = dialect.wideInteger();
          execute(dialect.alterColumnType(table, column.name(), numeric));
          columns.set(i, column.withType(numeric));
          LOG.info("Stream '" + stream + "': column " + column.name() + " of " + table
              + " received an integer beyond 64 bits and was widened to " + numeric);
        }
      }
      if (loadMethod == LoadMethod.OVERWRITE && overwrittenThisRun.add(table)) {
        execute(dialect.deleteAll(table));
      }
      List<String> statements = loadMethod != LoadMethod.UPSERT
          ? dialect.insertFromStaging(table, staging, columns)
          : dialect.upsertStatements(connection(), table, staging, columns, keyColumns, batchKeys.repeated());
      for (String statement : statements) {
        execute(statement);
      }
      if (batchHasDeletes && tableColumns.containsKey(DELETED_AT)) {
        execute("DELETE FROM " + table.sql(dialect) + " WHERE " + dialect.quote(DELETED_AT) + " IS NOT NULL");
      }
      for (String statement : dialect.dropStagingTable(staging)) {
        execute(statement);
      }
      connection().commit();
      committedRecords += rowNumber;
    } catch (SQLException e) {
      rollbackQuietly();
      throw new JdbcLoadException("Stream '" + stream + "': could not load a batch of " + rowNumber
          + " records into table " + table, e);
    } finally {
      rowNumber = 0;
      batchHasDeletes = false;
      batchKeys.clear();
    }
    afterCommit();
  }

  private void finishDirect() throws SQLException {
    if (batchHasDeletes && tableColumns.containsKey(DELETED_AT)) {
      execute("DELETE FROM " + table.sql(dialect) + " WHERE " + dialect.quote(DELETED_AT) + " IS NOT NULL");
    }
    connection().commit();
    committedRecords += rowNumber;
    afterCommit();
  }

  private void afterCommit() {
    if (values.strippedNulCharacters() > 0) {
      LOG.warn("Stream '" + stream + "': removed " + values.strippedNulCharacters()
          + " NUL characters from text values, which the database cannot store");
    }
    if (values.replacedDates() > 0) {
      LOG.warn("Stream '" + stream + "': " + values.replacedDates() + " dates out of the database's range were loaded as "
          + (settings.invalidDatePolicy() == InvalidDatePolicy.NULL ? "NULL" : "the maximum date"));
    }
    values.reset();
  }

  @Override
  public void activateVersion(long version) {
    try {
      if (tableColumns == null || !tableColumns.containsKey(TABLE_VERSION) || !tableColumns.containsKey(DELETED_AT)) {
        ensureVersionColumns();
      }
      String older = "(" + dialect.quote(TABLE_VERSION) + " IS NULL OR " + dialect.quote(TABLE_VERSION) + " < ?)";
      int affected;
      if (settings.hardDelete()) {
        try (PreparedStatement delete = connection().prepareStatement(
            "DELETE FROM " + table.sql(dialect) + " WHERE " + older)) {
          delete.setLong(1, version);
          affected = delete.executeUpdate();
        }
      } else {
        try (PreparedStatement update = connection().prepareStatement(
            "UPDATE " + table.sql(dialect) + " SET " + dialect.quote(DELETED_AT) + " = ? WHERE "
                + dialect.quote(DELETED_AT) + " IS NULL AND " + older)) {
          update.setTimestamp(1, Timestamp.from(Instant.now()));
          update.setLong(2, version);
          affected = update.executeUpdate();
        }
      }
      connection().commit();
      if (affected > 0) {
        LOG.info("Stream '" + stream + "': version " + version + " activated; " + affected + " rows of older versions "
            + (settings.hardDelete() ? "deleted" : "marked in " + DELETED_AT));
      }
    } catch (SQLException e) {
      rollbackQuietly();
      throw new JdbcLoadException("Stream '" + stream + "': could not activate version " + version + " of table " + table, e);
    }
  }

  @Override
  public void abort() {
    if (writer != null) {
      writer.cancel();
      writer = null;
    }
    rollbackQuietly();
  }

  @Override
  public void close() {
    if (writer != null) {
      abort();
    }
    if (committedRecords > 0) {
      LOG.info("Stream '" + stream + "': " + committedRecords + " records loaded into table " + table + " ("
          + SettingsBinder.enumName(loadMethod) + ")" + tableSize());
    }
    closeQuietly();
  }

  private String tableSize() {
    if (!dialect.countsRowsCheaply()) {
      return "";
    }
    try (Statement statement = connection().createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table.sql(dialect))) {
      return rows.next() ? ", which now holds " + rows.getLong(1) + " rows" : "";
    } catch (SQLException e) {
      return "";
    }
  }


  private Connection connection() throws SQLException {
    return connections.acquire(this);
  }

  /** Another sink needs this sink's connection: the open batch, if any, is committed first. */
  @Override
  public void yieldConnection() {
    if (writer != null) {
      LOG.debug("Stream '" + stream + "': committing its batch early to hand its connection to another stream");
      commit();
    }
  }

  private void execute(String sql) throws SQLException {
    if (LOG.isEnabled(Log.Level.DEBUG)) {
      LOG.debug(sql);
    }
    try (Statement statement = connection().createStatement()) {
      statement.execute(sql);
    }
  }

  private void rollbackQuietly() {
    try {
      Connection connection = connections.current(this);
      if (connection != null) {
        connection.rollback();
      }
    } catch (SQLException | RuntimeException e) {
      LOG.debug("rollback failed: " + e.getMessage());
    }
  }

  private void closeQuietly() {
    try {
      connections.release(this);
    } catch (SQLException | RuntimeException e) {
      LOG.warn("Could not close the connection of stream '" + stream + "': " + e.getMessage());
    }
  }

}
