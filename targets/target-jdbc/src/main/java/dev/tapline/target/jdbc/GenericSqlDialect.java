package dev.tapline.target.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Portable SQL for loading: double-quoted names, {@code information_schema} for the catalog,
 * a temporary staging table filled by JDBC batches, and an upsert as a {@code DELETE} of the
 * batch's keys followed by an {@code INSERT} of the last row of each key. Keys are not enforced
 * by constraints. Dialects override what their database does better.
 */
public class GenericSqlDialect implements SqlDialect {

  @Override
  public String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  @Override
  public int maxIdentifierLength() {
    return 63;
  }

  @Override
  public String defaultSchema() {
    return "public";
  }

  @Override
  public String typeName(ColumnType type) {
    switch (type.kind()) {
      case BIGINT:
        return "bigint";
      case NUMERIC:
        return type.precision() == null ? "numeric"
            : "numeric(" + type.precision() + "," + (type.scale() == null ? 0 : type.scale()) + ")";
      case BOOLEAN:
        return "boolean";
      case DATE:
        return "date";
      case TIME:
        return "time";
      case TIMESTAMP_TZ:
        return "timestamp with time zone";
      case JSON:
        return "json";
      default:
        return "text";
    }
  }

  /** Reads a type back from {@code information_schema.columns}. */
  protected ColumnType parseType(String dataType, Integer precision, Integer scale) {
    String type = dataType.toLowerCase(Locale.ROOT);
    switch (type) {
      case "bigint":
      case "integer":
      case "smallint":
        return ColumnType.BIGINT;
      case "numeric":
      case "decimal":
        return ColumnType.numeric(precision, precision == null ? null : scale);
      case "text":
      case "character varying":
      case "varchar":
        return ColumnType.TEXT;
      case "boolean":
        return ColumnType.BOOLEAN;
      case "date":
        return ColumnType.DATE;
      case "time":
      case "time without time zone":
        return ColumnType.TIME;
      case "timestamp with time zone":
        return ColumnType.TIMESTAMP_TZ;
      case "json":
      case "jsonb":
        return ColumnType.JSON;
      default:
        return ColumnType.OTHER;
    }
  }

  @Override
  public Map<String, ColumnType> existingColumns(Connection connection, TableName table) throws SQLException {
    Map<String, ColumnType> columns = new LinkedHashMap<>();
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT column_name, data_type, numeric_precision, numeric_scale FROM information_schema.columns"
            + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
      query.setString(1, table.schema());
      query.setString(2, table.table());
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          Integer precision = (Integer) rows.getObject(3, Integer.class);
          Integer scale = (Integer) rows.getObject(4, Integer.class);
          columns.put(rows.getString(1), parseType(rows.getString(2), precision, scale));
        }
      }
    }
    return columns;
  }

  @Override
  public List<String> keyColumns(Connection connection, TableName table) throws SQLException {
    return List.of();
  }

  @Override
  public String createSchema(String schema) {
    return "CREATE SCHEMA IF NOT EXISTS " + quote(schema);
  }

  @Override
  public String createTable(TableName table, List<Column> columns, List<String> keyColumns) {
    StringBuilder sql = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(table.sql(this)).append(" (");
    for (int i = 0; i < columns.size(); i++) {
      Column column = columns.get(i);
      sql.append(i == 0 ? "" : ", ").append(quote(column.name())).append(' ').append(typeName(column.type()));
    }
    String key = primaryKeyClause(table, keyColumns);
    if (!key.isEmpty()) {
      sql.append(", ").append(key);
    }
    return sql.append(')').toString();
  }

  /** The key clause of {@code CREATE TABLE}; none in portable SQL. */
  protected String primaryKeyClause(TableName table, List<String> keyColumns) {
    return "";
  }

  @Override
  public String addColumn(TableName table, Column column) {
    return "ALTER TABLE " + table.sql(this) + " ADD COLUMN " + quote(column.name()) + " " + typeName(column.type());
  }

  @Override
  public String alterColumnType(TableName table, String column, ColumnType type) {
    return "ALTER TABLE " + table.sql(this) + " ALTER COLUMN " + quote(column) + " TYPE " + typeName(type);
  }

  @Override
  public String renameColumn(TableName table, String from, String to) {
    return "ALTER TABLE " + table.sql(this) + " RENAME COLUMN " + quote(from) + " TO " + quote(to);
  }

  @Override
  public List<String> changeKey(TableName table, List<String> oldKey, List<String> newKey) {
    return List.of();
  }

  @Override
  public TableName stagingTable(TableName table) {
    return new TableName(null, "_tapline_stage_" + SqlNames.hash(table.toString()));
  }

  /** The staging column type: the final type by default, so the loader converts while staging. */
  protected String stagingTypeName(ColumnType type) {
    return typeName(type.kind() == ColumnType.Kind.BIGINT ? ColumnType.NUMERIC : type);
  }

  /** How the staging column is read when inserting into the final table. */
  protected String stagedValue(Column column, String qualifier) {
    return qualifier + quote(column.name());
  }

  @Override
  public List<String> createStagingTable(TableName staging, List<Column> columns) {
    StringBuilder sql = new StringBuilder("CREATE TEMPORARY TABLE ").append(staging.sql(this)).append(" (");
    sql.append(quote(rowNumberColumn())).append(" bigint");
    for (Column column : columns) {
      sql.append(", ").append(quote(column.name())).append(' ').append(stagingTypeName(column.type()));
    }
    sql.append(')');
    return List.of("DROP TABLE IF EXISTS " + staging.sql(this), sql.toString());
  }

  @Override
  public List<String> dropStagingTable(TableName staging) {
    return List.of("DROP TABLE IF EXISTS " + staging.sql(this));
  }

  @Override
  public StagingWriter stagingWriter(Connection connection, TableName staging, RecordValues values) throws SQLException {
    return new JdbcBatchStagingWriter(connection, this, staging, values);
  }

  protected String columnList(List<Column> columns, String qualifier) {
    return columns.stream().map(c -> qualifier + quote(c.name())).collect(Collectors.joining(", "));
  }

  protected String stagedValues(List<Column> columns, String qualifier) {
    return columns.stream().map(c -> stagedValue(c, qualifier)).collect(Collectors.joining(", "));
  }

  @Override
  public List<String> insertFromStaging(TableName table, TableName staging, List<Column> columns) {
    return List.of("INSERT INTO " + table.sql(this) + " (" + columnList(columns, "") + ") SELECT "
        + stagedValues(columns, "") + " FROM " + staging.sql(this));
  }

  /** A query of the last row of each key in the staging table. */
  protected String lastRowPerKey(TableName staging, List<Column> columns, List<String> keyColumns) {
    String keys = keyColumns.stream().map(this::quote).collect(Collectors.joining(", "));
    return "SELECT " + stagedValues(columns, "") + " FROM (SELECT *, row_number() OVER (PARTITION BY " + keys
        + " ORDER BY " + quote(rowNumberColumn()) + " DESC) AS " + quote("_tapline_rank") + " FROM "
        + staging.sql(this) + ") " + quote("_tapline_last") + " WHERE " + quote("_tapline_rank") + " = 1";
  }

  @Override
  public List<String> upsertFromStaging(
      TableName table, TableName staging, List<Column> columns, List<String> keyColumns) {
    List<String> statements = new ArrayList<>();
    String match = keyColumns.stream()
        .map(k -> table.sql(this) + "." + quote(k) + " = " + stagedKey(columns, k, staging))
        .collect(Collectors.joining(" AND "));
    statements.add("DELETE FROM " + table.sql(this) + " WHERE EXISTS (SELECT 1 FROM " + staging.sql(this)
        + " WHERE " + match + ")");
    statements.add("INSERT INTO " + table.sql(this) + " (" + columnList(columns, "") + ") "
        + lastRowPerKey(staging, columns, keyColumns));
    return statements;
  }

  @Override
  public List<String> upsertFromStagingWithUniqueKeys(
      TableName table, TableName staging, List<Column> columns, List<String> keyColumns) {
    List<String> statements = new ArrayList<>(upsertFromStaging(table, staging, columns, keyColumns));
    statements.set(statements.size() - 1, "INSERT INTO " + table.sql(this) + " (" + columnList(columns, "") + ") SELECT "
        + stagedValues(columns, "") + " FROM " + staging.sql(this));
    return statements;
  }

  private String stagedKey(List<Column> columns, String keyColumn, TableName staging) {
    for (Column column : columns) {
      if (column.name().equals(keyColumn)) {
        return stagedValue(column, staging.sql(this) + ".");
      }
    }
    return staging.sql(this) + "." + quote(keyColumn);
  }

  @Override
  public String deleteAll(TableName table) {
    return "DELETE FROM " + table.sql(this);
  }
}
