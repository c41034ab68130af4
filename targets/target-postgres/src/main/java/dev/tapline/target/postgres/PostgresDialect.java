package dev.tapline.target.postgres;

import dev.tapline.target.jdbc.Column;
import dev.tapline.target.jdbc.ColumnType;
import dev.tapline.target.jdbc.GenericSqlDialect;
import dev.tapline.target.jdbc.RecordValues;
import dev.tapline.target.jdbc.StagingWriter;
import dev.tapline.target.jdbc.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;

/**
 * PostgreSQL: {@code jsonb} for JSON, keys enforced by a primary key (or, after the key changed,
 * by a unique index), staging through {@code COPY ... FROM STDIN} into a temporary table, and the
 * upsert as one {@code INSERT ... ON CONFLICT ... DO UPDATE}.
 */
public final class PostgresDialect extends GenericSqlDialect {

  @Override
  public String typeName(ColumnType type) {
    return type.kind() == ColumnType.Kind.JSON ? "jsonb" : super.typeName(type);
  }

  @Override
  protected String primaryKeyClause(TableName table, List<String> keyColumns) {
    if (keyColumns.isEmpty()) {
      return "";
    }
    return "PRIMARY KEY (" + keyColumns.stream().map(this::quote).collect(Collectors.joining(", ")) + ")";
  }

  private String keyIndexName(TableName table) {
    String name = table.table() + "__tapline_key";
    return name.length() <= maxIdentifierLength() ? name : "tapline_key_" + table.table().hashCode();
  }

  @Override
  public List<String> keyColumns(Connection connection, TableName table) throws SQLException {
    String sql = "SELECT a.attname FROM pg_index i"
        + " JOIN pg_class c ON c.oid = i.indexrelid"
        + " JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position) ON true"
        + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
        + " WHERE i.indrelid = (quote_ident(?) || '.' || quote_ident(?))::regclass"
        + " AND (i.indisprimary OR c.relname = ?) ORDER BY i.indisprimary DESC, c.relname, k.position";
    List<String> columns = new ArrayList<>();
    try (PreparedStatement query = connection.prepareStatement(sql)) {
      query.setString(1, table.schema());
      query.setString(2, table.table());
      query.setString(3, keyIndexName(table));
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          columns.add(rows.getString(1));
        }
      }
    }
    return columns;
  }

  @Override
  public List<String> changeKey(TableName table, List<String> oldKey, List<String> newKey) {
    List<String> statements = new ArrayList<>();
    // the primary key constraint's name is not ours to know: drop whichever exists
    statements.add("DO $$ DECLARE constraint_name text; BEGIN SELECT conname INTO constraint_name FROM pg_constraint"
        + " WHERE conrelid = '" + table.sql(this).replace("'", "''") + "'::regclass AND contype = 'p';"
        + " IF constraint_name IS NOT NULL THEN EXECUTE 'ALTER TABLE " + table.sql(this).replace("'", "''")
        + " DROP CONSTRAINT ' || quote_ident(constraint_name); END IF; END $$");
    String index = quote(table.schema()) + "." + quote(keyIndexName(table));
    statements.add("DROP INDEX IF EXISTS " + index);
    if (!newKey.isEmpty()) {
      statements.add("CREATE UNIQUE INDEX " + quote(keyIndexName(table)) + " ON " + table.sql(this) + " ("
          + newKey.stream().map(this::quote).collect(Collectors.joining(", ")) + ")");
    }
    return statements;
  }

  @Override
  public List<String> createStagingTable(TableName staging, List<Column> columns) {
    List<String> statements = new ArrayList<>(super.createStagingTable(staging, columns));
    String create = statements.get(statements.size() - 1);
    statements.set(statements.size() - 1, create + " ON COMMIT DROP");
    return statements.subList(1, statements.size());
  }

  @Override
  public List<String> dropStagingTable(TableName staging) {
    return List.of();
  }

  @Override
  public StagingWriter stagingWriter(Connection connection, TableName staging, RecordValues values)
      throws SQLException {
    return copyWriter(connection, staging, values, true);
  }

  @Override
  public boolean appendsDirectly() {
    return true;
  }

  /** The greatest key is one lookup in the primary key's index. */
  @Override
  public boolean upsertsNewKeysDirectly() {
    return true;
  }

  @Override
  public StagingWriter appendWriter(Connection connection, TableName table, RecordValues values) throws SQLException {
    return copyWriter(connection, table, values, false);
  }

  private StagingWriter copyWriter(Connection connection, TableName table, RecordValues values, boolean rowNumbers)
      throws SQLException {
    PGConnection postgres = connection.unwrap(PGConnection.class);
    StringBuilder copy = new StringBuilder("COPY ").append(table.sql(this)).append(" (");
    String separator = "";
    if (rowNumbers) {
      copy.append(quote(rowNumberColumn()));
      separator = ", ";
    }
    for (Column column : values.columns()) {
      copy.append(separator).append(quote(column.name()));
      separator = ", ";
    }
    copy.append(") FROM STDIN");
    return new CopyStagingWriter(postgres.getCopyAPI().copyIn(copy.toString()), values, rowNumbers);
  }

  @Override
  public List<String> upsertFromStaging(
      TableName table, TableName staging, List<Column> columns, List<String> keyColumns) {
    return List.of(upsert(table, staging, columns, keyColumns, true));
  }

  @Override
  public List<String> upsertFromStagingWithUniqueKeys(
      TableName table, TableName staging, List<Column> columns, List<String> keyColumns) {
    return List.of(upsert(table, staging, columns, keyColumns, false));
  }

  private String upsert(
      TableName table, TableName staging, List<Column> columns, List<String> keyColumns, boolean deduplicate) {
    String keys = keyColumns.stream().map(this::quote).collect(Collectors.joining(", "));
    String updates = columns.stream()
        .filter(c -> !keyColumns.contains(c.name()))
        .map(c -> quote(c.name()) + " = EXCLUDED." + quote(c.name()))
        .collect(Collectors.joining(", "));
    String select = deduplicate
        ? "SELECT DISTINCT ON (" + keys + ") " + stagedValues(columns, "") + " FROM " + staging.sql(this)
            + " ORDER BY " + keys + ", " + quote(rowNumberColumn()) + " DESC"
        : "SELECT " + stagedValues(columns, "") + " FROM " + staging.sql(this);
    return "INSERT INTO " + table.sql(this) + " (" + columnList(columns, "") + ") " + select + " ON CONFLICT ("
        + keys + ") DO " + (updates.isEmpty() ? "NOTHING" : "UPDATE SET " + updates);
  }
}
