package dev.tapline.tap.jdbc;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A table, view or materialized view found by discovery.
 *
 * @param schemaName the database schema holding it
 * @param tableName its name in that schema
 * @param streamName the stream name written in the messages
 * @param view true for views and materialized views
 * @param rowCount the database's estimate of the number of rows
 * @param columns the columns in table order
 * @param primaryKey the columns of the primary key, empty when there is none
 */
public record JdbcTable(
    String schemaName,
    String tableName,
    String streamName,
    boolean view,
    long rowCount,
    List<JdbcColumn> columns,
    List<String> primaryKey) {

  public JdbcTable {
    Objects.requireNonNull(tableName, "tableName");
    Objects.requireNonNull(streamName, "streamName");
    columns = List.copyOf(columns);
    primaryKey = List.copyOf(primaryKey);
  }

  public Optional<JdbcColumn> column(String name) {
    for (JdbcColumn column : columns) {
      if (column.name().equals(name)) {
        return Optional.of(column);
      }
    }
    return Optional.empty();
  }
}
