package dev.tapline.target.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * What differs between databases for loading: how names are quoted, which types columns get, the
 * DDL and merge statements, and the bulk loader. {@link GenericSqlDialect} implements all of it in
 * portable SQL; a database's dialect overrides what it does differently.
 *
 * <p>Every method that builds SQL receives names already made safe by {@link SqlNames} and returns
 * text for one statement. Methods taking a {@link Connection} are called on the loading thread,
 * inside the sink's current transaction; they must not commit.
 */
public interface SqlDialect {

  /** A quoted identifier; quotes inside the name are doubled. */
  String quote(String identifier);

  /** The longest identifier the database accepts, in bytes. */
  int maxIdentifierLength();

  /** The schema a stream lands in when nothing else says (PostgreSQL: public; DuckDB: main). */
  String defaultSchema();

  /** The SQL type of a column, e.g. {@code numeric(20,2)}. */
  String typeName(ColumnType type);

  /** The column type of a final table's column, with database-specific replacements (DuckDB's 38 digits). */
  default ColumnType columnType(ColumnType wanted) {
    return wanted;
  }

  /** The type an integer column is widened to when a value beyond 64 bits arrives. */
  default ColumnType wideInteger() {
    return columnType(ColumnType.NUMERIC);
  }

  /** The columns of an existing table by name, in table order; empty when it does not exist. */
  Map<String, ColumnType> existingColumns(Connection connection, TableName table) throws SQLException;

  /** The key columns the table enforces (primary key or Tapline's unique key index), possibly empty. */
  List<String> keyColumns(Connection connection, TableName table) throws SQLException;

  String createSchema(String schema);

  /** Creates the final table; {@code keyColumns} becomes its key where the dialect enforces keys. */
  String createTable(TableName table, List<Column> columns, List<String> keyColumns);

  String addColumn(TableName table, Column column);

  String alterColumnType(TableName table, String column, ColumnType type);

  String renameColumn(TableName table, String from, String to);

  /** Statements that make {@code newKey} the table's key instead of {@code oldKey}; empty if keys are not enforced. */
  List<String> changeKey(TableName table, List<String> oldKey, List<String> newKey);

  /** Where a batch of this table is staged. */
  TableName stagingTable(TableName table);

  /** Statements that create an empty staging table for a batch (inside the batch's transaction). */
  List<String> createStagingTable(TableName staging, List<Column> columns);

  /** Statements run after a batch's merge (inside its transaction), e.g. dropping the staging table. */
  List<String> dropStagingTable(TableName staging);

  /** The name of the staging table's row-number column, which no property can have. */
  default String rowNumberColumn() {
    return "_tapline_row";
  }

  /** Opens a writer for one batch into the staging table. */
  StagingWriter stagingWriter(Connection connection, TableName staging, RecordValues values) throws SQLException;

  /**
   * Whether {@code append-only} and {@code overwrite} batches are written straight into the final
   * table by {@link #appendWriter} (still inside the batch's one transaction, so nothing is visible
   * before the commit) instead of through a staging table. Saves a copy where the bulk loader
   * writes typed rows.
   */
  default boolean appendsDirectly() {
    return false;
  }

  /**
   * Whether an {@code upsert} batch whose stream has one integer key may start writing straight
   * into the final table (through {@link #appendWriter}) while each record's key is greater than
   * every key in the table and in the batch so far, so that none can collide. At the first key
   * that breaks this the sink ends the direct part and stages the rest of the batch for the
   * ordinary upsert, in the same transaction. Worth it where finding the table's greatest key is
   * an index lookup and a staged copy costs; only asked when {@link #appendsDirectly()}.
   */
  default boolean upsertsNewKeysDirectly() {
    return false;
  }

  /** A writer straight into the final table; only called when {@link #appendsDirectly()}. */
  default StagingWriter appendWriter(Connection connection, TableName table, RecordValues values) throws SQLException {
    throw new UnsupportedOperationException("this dialect stages every batch");
  }

  /** Statements that append the staging table to the final table. */
  List<String> insertFromStaging(TableName table, TableName staging, List<Column> columns);

  /**
   * Statements that insert or update the final table from the staging table by {@code keyColumns},
   * the row with the highest row number winning when a key repeats in the batch.
   */
  List<String> upsertFromStaging(TableName table, TableName staging, List<Column> columns, List<String> keyColumns);

  /**
   * Like {@link #upsertFromStaging}, called instead of it when the sink saw every key of the batch
   * only once, so a dialect may leave out the de-duplication (a sort or window per batch).
   */
  default List<String> upsertFromStagingWithUniqueKeys(
      TableName table, TableName staging, List<Column> columns, List<String> keyColumns) {
    return upsertFromStaging(table, staging, columns, keyColumns);
  }

  /**
   * The statements of one upsert, chosen when the batch is staged: by default {@link
   * #upsertFromStaging} when a key repeats in the batch, else {@link
   * #upsertFromStagingWithUniqueKeys}. A dialect may look at the staged batch first (inside the
   * batch's transaction, without committing), e.g. to bound the rows the merge has to consider.
   */
  default List<String> upsertStatements(
      Connection connection, TableName table, TableName staging, List<Column> columns, List<String> keyColumns,
      boolean keysRepeat) throws SQLException {
    return keysRepeat
        ? upsertFromStaging(table, staging, columns, keyColumns)
        : upsertFromStagingWithUniqueKeys(table, staging, columns, keyColumns);
  }

  /** Whether {@code count(*)} of a whole table is cheap (so the sink can report the table's size). */
  default boolean countsRowsCheaply() {
    return false;
  }

  /** Empties the final table inside a transaction (for {@code overwrite}). */
  String deleteAll(TableName table);
}
