package dev.tapline.target.duckdb;

import dev.tapline.target.jdbc.Column;
import dev.tapline.target.jdbc.ColumnType;
import dev.tapline.target.jdbc.GenericSqlDialect;
import dev.tapline.target.jdbc.RecordValues;
import dev.tapline.target.jdbc.StagingWriter;
import dev.tapline.target.jdbc.TableName;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.duckdb.DuckDBConnection;

/**
 * DuckDB: batches are appended as text with the DuckDB appender into a temporary table and cast
 * to the final types by the one {@code INSERT} that moves them (DuckDB parses text vectorised, so
 * this costs little). Keys are not enforced by constraints (DuckDB's index checks reject a delete
 * and re-insert of a key in one transaction); the upsert deletes the batch's keys and inserts the
 * last row of each.
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

  @Override
  public StagingWriter stagingWriter(Connection connection, TableName staging, RecordValues values) throws SQLException {
    DuckDBConnection duckdb = connection.unwrap(DuckDBConnection.class);
    return new AppenderStagingWriter(duckdb.createAppender("temp", "main", staging.table()), values);
  }
}
