package dev.tapline.target.duckdb;

import dev.tapline.target.jdbc.Column;
import dev.tapline.target.jdbc.ColumnType;
import dev.tapline.target.jdbc.GenericSqlDialect;
import dev.tapline.target.jdbc.RecordValues;
import dev.tapline.target.jdbc.StagingWriter;
import dev.tapline.target.jdbc.TableName;
import dev.tapline.target.jdbc.JdbcLoadException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.duckdb.DuckDBConnection;

/**
 * DuckDB: records go in with the DuckDB appender as typed values. {@code append-only} and {@code
 * overwrite} batches, and the part of an upsert batch whose single integer key keeps growing, are
 * appended straight into the final table; the rest is appended to a temporary staging table and
 * merged. Keys are not enforced by constraints (DuckDB's index checks
 * reject a delete and re-insert of a key in one transaction, and maintaining the index costs more
 * than the load); the merge deletes the staged keys and inserts the last row of each.
 *
 * <p>DuckDB's {@code DECIMAL} holds at most 38 digits: a number without declared precision becomes
 * {@code DECIMAL(38,s)} with the scale its {@code multipleOf} implies, else {@code DECIMAL(38,9)} (values with more than 9 decimals are rounded to 9, values with more than
 * 29 integer digits fail the batch with DuckDB's conversion error), and a declared precision above
 * 38 is stored as exact text in a {@code VARCHAR} column.
 */
public final class DuckDbDialect extends GenericSqlDialect {

  static final int MAX_DECIMAL_DIGITS = 38;
  static final int DEFAULT_SCALE = 9;

  @Override
  public String defaultSchema() {
    return "main";
  }

  @Override
  public ColumnType columnType(ColumnType wanted) {
    if (wanted.kind() != ColumnType.Kind.NUMERIC) {
      return wanted;
    }
    if (wanted.precision() == null) {
      return ColumnType.numeric(MAX_DECIMAL_DIGITS, wanted.scale() == null ? DEFAULT_SCALE : wanted.scale());
    }
    if (wanted.precision() > MAX_DECIMAL_DIGITS) {
      return ColumnType.TEXT;
    }
    return wanted;
  }

  /**
   * DuckDB has no index on the key, so the upsert's delete would read the whole table for every
   * batch. The batch's smallest and largest first key, given as constants, let DuckDB skip every
   * row group outside that range (its zone maps); incremental loads, whose keys grow, then read
   * almost nothing. When no row of the table has a first key in that range (a first load, or
   * keys that only grow), no key of the batch exists yet and the delete is left out.
   */
  @Override
  public List<String> upsertStatements(
      Connection connection, TableName table, TableName staging, List<Column> columns, List<String> keyColumns,
      boolean keysRepeat) throws SQLException {
    List<String> statements = new ArrayList<>(
        super.upsertStatements(connection, table, staging, columns, keyColumns, keysRepeat));
    if (!statements.get(0).startsWith("DELETE")) {
      return statements;
    }
    Column key = columns.stream().filter(c -> c.name().equals(keyColumns.get(0))).findFirst().orElse(null);
    if (key == null || (key.type().kind() != ColumnType.Kind.BIGINT && key.type().kind() != ColumnType.Kind.TEXT)) {
      if (!anyRow(connection, "SELECT 1 FROM " + table.sql(this) + " LIMIT 1")) {
        statements.remove(0);
      }
      return statements;
    }
    String staged = stagedValue(key, "");
    try (Statement statement = connection.createStatement();
        ResultSet bounds = statement.executeQuery(
            "SELECT min(" + staged + "), max(" + staged + ") FROM " + staging.sql(this))) {
      if (!bounds.next() || bounds.getString(1) == null) {
        return statements;
      }
      String low = literal(key, bounds.getString(1));
      String high = literal(key, bounds.getString(2));
      String range = table.sql(this) + "." + quote(key.name()) + " BETWEEN " + low + " AND " + high;
      if (!anyRow(connection, "SELECT 1 FROM " + table.sql(this) + " WHERE " + range + " LIMIT 1")) {
        statements.remove(0);
        return statements;
      }
      String delete = statements.get(0);
      String where = " WHERE EXISTS";
      int at = delete.indexOf(where);
      if (!delete.startsWith("DELETE") || at < 0) {
        return statements;
      }
      statements.set(0, delete.substring(0, at) + " WHERE " + range + " AND EXISTS" + delete.substring(at + where.length()));
    }
    return statements;
  }

  private static boolean anyRow(Connection connection, String query) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(query)) {
      return rows.next();
    }
  }

  private static String literal(Column key, String value) {
    if (key.type().kind() == ColumnType.Kind.BIGINT) {
      return new java.math.BigInteger(value.strip()).toString();
    }
    return "'" + value.replace("'", "''") + "'";
  }

  @Override
  public boolean countsRowsCheaply() {
    return true;
  }

  @Override
  public ColumnType wideInteger() {
    return ColumnType.numeric(MAX_DECIMAL_DIGITS, 0);
  }

  @Override
  public String typeName(ColumnType type) {
    switch (type.kind()) {
      case BIGINT:
        return "BIGINT";
      case NUMERIC: {
        ColumnType decimal = columnType(type);
        if (decimal.kind() != ColumnType.Kind.NUMERIC) {
          return typeName(decimal);
        }
        return "DECIMAL(" + decimal.precision() + "," + (decimal.scale() == null ? 0 : decimal.scale()) + ")";
      }
      case BOOLEAN:
        return "BOOLEAN";
      case DATE:
        return "DATE";
      case TIME:
        return "TIME";
      case TIMESTAMP_TZ:
        return "TIMESTAMPTZ";
      case JSON:
        return "JSON";
      default:
        return "VARCHAR";
    }
  }

  @Override
  protected ColumnType parseType(String dataType, Integer precision, Integer scale) {
    String type = dataType.toLowerCase(Locale.ROOT);
    if (type.startsWith("decimal")) {
      return ColumnType.numeric(precision, scale);
    }
    if (type.equals("hugeint")) {
      return ColumnType.numeric(MAX_DECIMAL_DIGITS, 0);
    }
    return super.parseType(type, precision, scale);
  }

  /** The staging column's type: see {@link AppenderStagingWriter.StagedColumn}. */
  @Override
  protected String stagingTypeName(ColumnType type) {
    switch (AppenderStagingWriter.StagedColumn.of(type)) {
      case HUGEINT:
        return "HUGEINT";
      case DECIMAL:
        return "DECIMAL(" + type.precision() + "," + (type.scale() == null ? 0 : type.scale()) + ")";
      case BOOLEAN:
        return "BOOLEAN";
      case TIMESTAMP:
        return "TIMESTAMPTZ";
      default:
        return "VARCHAR";
    }
  }

  /** Typed staging columns are copied as they are; text ones are cast to the column's type. */
  @Override
  protected String stagedValue(Column column, String qualifier) {
    String value = qualifier + quote(column.name());
    ColumnType type = column.type();
    // integers are staged as HUGEINT: cast back, so the merge compares BIGINT with BIGINT
    boolean asStaged = type.kind() == ColumnType.Kind.TEXT
        || (type.kind() != ColumnType.Kind.BIGINT && AppenderStagingWriter.StagedColumn.of(type) != AppenderStagingWriter.StagedColumn.TEXT);
    return asStaged ? value : "CAST(" + value + " AS " + typeName(type) + ")";
  }

  @Override
  public List<String> createStagingTable(TableName staging, List<Column> columns) {
    StringBuilder sql = new StringBuilder("CREATE OR REPLACE TEMPORARY TABLE ").append(staging.sql(this))
        .append(" (").append(quote(rowNumberColumn())).append(" BIGINT");
    for (Column column : columns) {
      sql.append(", ").append(quote(column.name())).append(' ').append(stagingTypeName(column.type()));
    }
    return List.of(sql.append(')').toString());
  }

  /**
   * The appender follows the staging table as it was created: after a column widened to numeric
   * mid-run the sink creates staging tables from its widened columns while {@code values} may still
   * hold the column as an integer, and appending a HUGEINT to the DECIMAL staging column fails.
   */
  @Override
  public StagingWriter stagingWriter(Connection connection, TableName staging, RecordValues values) throws SQLException {
    DuckDBConnection duckdb = connection.unwrap(DuckDBConnection.class);
    AppenderStagingWriter.TableLayout layout = layout(connection, "temp", "main", staging.table(), values, true);
    if (layout == null) {
      return stagingAppender(duckdb, staging, values);
    }
    return new AppenderStagingWriter(() -> duckdb.createAppender("temp", "main", staging.table()), values, true, layout);
  }

  private static AppenderStagingWriter stagingAppender(DuckDBConnection duckdb, TableName staging, RecordValues values)
      throws SQLException {
    return new AppenderStagingWriter(() -> duckdb.createAppender("temp", "main", staging.table()), values);
  }

  /** {@code append-only} and {@code overwrite} batches go straight into the final table. */
  @Override
  public boolean appendsDirectly() {
    return true;
  }

  /**
   * So do upsert batches while their one integer key grows (the sink switches the rest of a batch
   * to staging at the first key that does not): the staging copy and the merge are skipped.
   */
  @Override
  public boolean upsertsNewKeysDirectly() {
    return true;
  }

  /**
   * The appender on the final table; when a column cannot be appended from a record's value (a
   * date or a time, which DuckDB casts from text), the batch is staged and inserted by {@link
   * StagingWriter#finish()} instead.
   */
  @Override
  public StagingWriter appendWriter(Connection connection, TableName table, RecordValues values) throws SQLException {
    DuckDBConnection duckdb = connection.unwrap(DuckDBConnection.class);
    AppenderStagingWriter.TableLayout layout = tableLayout(connection, table, values);
    if (layout != null) {
      return new AppenderStagingWriter(() -> duckdb.createAppender(table.schema(), table.table()), values, layout);
    }
    TableName staging = stagingTable(table);
    for (String statement : createStagingTable(staging, values.columns())) {
      execute(connection, statement);
    }
    StagingWriter staged = stagingAppender(duckdb, staging, values);
    StringBuilder insert = new StringBuilder("INSERT INTO ").append(table.sql(this)).append(" (")
        .append(columnList(values.columns(), "")).append(") SELECT ");
    for (int i = 0; i < values.columns().size(); i++) {
      Column column = values.columns().get(i);
      // integers stay HUGEINT: the column may have been widened since the values were read
      insert.append(i == 0 ? "" : ", ").append(column.type().kind() == ColumnType.Kind.BIGINT
          ? quote(column.name()) : stagedValue(column, ""));
    }
    String insertSql = insert.append(" FROM ").append(staging.sql(this)).toString();
    return new StagingWriter() {
      @Override
      public void write(com.fasterxml.jackson.databind.node.ObjectNode record, long rowNumber) {
        staged.write(record, rowNumber);
      }

      @Override
      public void write(dev.tapline.target.FlatRecord record, int[] properties, long rowNumber) {
        staged.write(record, properties, rowNumber);
      }

      @Override
      public void finish() {
        staged.finish();
        try {
          execute(connection, insertSql);
          for (String statement : dropStagingTable(staging)) {
            execute(connection, statement);
          }
        } catch (SQLException e) {
          throw new JdbcLoadException("Could not insert a batch into " + table, e);
        }
      }

      @Override
      public void cancel() {
        staged.cancel();
      }
    };
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /**
   * How a record maps onto the table's columns (read from the catalog inside the batch's
   * transaction, so columns added or widened by the sink count), or null when a column cannot be
   * appended straight from a record's value.
   */
  AppenderStagingWriter.TableLayout tableLayout(Connection connection, TableName table, RecordValues values)
      throws SQLException {
    return layout(connection, null, table.schema(), table.table(), values, false);
  }

  /**
   * How a record maps onto the columns of a table ({@code catalog} null: the database's own), or
   * null when a column cannot be appended straight from a record's value.
   *
   * @param rowNumbers whether the table's first column is the staging row number, which is
   *     appended apart from the record's columns
   */
  private AppenderStagingWriter.TableLayout layout(Connection connection, String catalog, String schema, String name,
      RecordValues values, boolean rowNumbers) throws SQLException {
    List<Column> columns = values.columns();
    Map<String, Integer> byName = new HashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      byName.put(columns.get(i).name(), i);
    }
    List<Integer> sources = new ArrayList<>();
    List<AppenderStagingWriter.StagedColumn> kinds = new ArrayList<>();
    List<Integer> precisions = new ArrayList<>();
    List<Integer> scales = new ArrayList<>();
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT column_name, data_type, numeric_precision, numeric_scale FROM information_schema.columns"
            + " WHERE table_schema = ? AND table_name = ?" + (catalog == null ? "" : " AND table_catalog = ?")
            + " ORDER BY ordinal_position")) {
      query.setString(1, schema);
      query.setString(2, name);
      if (catalog != null) {
        query.setString(3, catalog);
      }
      try (ResultSet rows = query.executeQuery()) {
        if (rowNumbers && !rows.next()) {
          return null;
        }
        while (rows.next()) {
          Integer source = byName.remove(rows.getString(1));
          // a staging table holds every kind it does not type as text, which the merge casts
          AppenderStagingWriter.StagedColumn kind =
              source == null || (rowNumbers && rows.getString(2).equalsIgnoreCase("VARCHAR"))
                  ? AppenderStagingWriter.StagedColumn.TEXT
                  : appendedKind(rows.getString(2), columns.get(source).type().kind());
          if (kind == null) {
            return null;
          }
          sources.add(source == null ? -1 : source);
          kinds.add(kind);
          precisions.add(rows.getInt(3));
          scales.add(rows.getInt(4));
        }
      }
    }
    if (!byName.isEmpty() || sources.isEmpty()) {
      return null;
    }
    return new AppenderStagingWriter.TableLayout(
        sources.stream().mapToInt(Integer::intValue).toArray(),
        kinds.toArray(new AppenderStagingWriter.StagedColumn[0]),
        precisions.stream().mapToInt(Integer::intValue).toArray(),
        scales.stream().mapToInt(Integer::intValue).toArray());
  }

  /**
   * How a value of the given kind is appended to a column of DuckDB's {@code data_type}, or null
   * when the appender cannot take it as it comes (dates and times are cast from text).
   */
  private static AppenderStagingWriter.StagedColumn appendedKind(String dataType, ColumnType.Kind kind) {
    String type = dataType.toUpperCase(Locale.ROOT);
    boolean number = kind == ColumnType.Kind.BIGINT || kind == ColumnType.Kind.NUMERIC;
    if (type.equals("BIGINT") && kind == ColumnType.Kind.BIGINT) {
      return AppenderStagingWriter.StagedColumn.BIGINT;
    }
    if (type.equals("HUGEINT") && number) {
      return AppenderStagingWriter.StagedColumn.HUGEINT;
    }
    if (type.startsWith("DECIMAL") && number) {
      return AppenderStagingWriter.StagedColumn.DECIMAL;
    }
    if (type.equals("BOOLEAN") && kind == ColumnType.Kind.BOOLEAN) {
      return AppenderStagingWriter.StagedColumn.BOOLEAN;
    }
    if (type.equals("TIMESTAMP WITH TIME ZONE") && kind == ColumnType.Kind.TIMESTAMP_TZ) {
      return AppenderStagingWriter.StagedColumn.TIMESTAMP;
    }
    if ((type.equals("VARCHAR") && (kind == ColumnType.Kind.TEXT || kind == ColumnType.Kind.NUMERIC
        || kind == ColumnType.Kind.OTHER)) || (type.equals("JSON") && kind == ColumnType.Kind.JSON)) {
      return AppenderStagingWriter.StagedColumn.TEXT;
    }
    return null;
  }
}
