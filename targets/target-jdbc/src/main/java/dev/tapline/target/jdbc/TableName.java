package dev.tapline.target.jdbc;

/**
 * A table in a schema, both already made safe by {@link SqlNames} (not yet quoted).
 *
 * @param schema the schema, or null for a temporary table
 * @param table the table, never null
 */
public record TableName(String schema, String table) {

  /** The quoted, qualified name for SQL text. */
  public String sql(SqlDialect dialect) {
    return schema == null ? dialect.quote(table) : dialect.quote(schema) + "." + dialect.quote(table);
  }

  @Override
  public String toString() {
    return schema == null ? table : schema + "." + table;
  }
}
