package dev.tapline.target.jdbc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The portable staging writer: {@code INSERT} statements in JDBC batches, each value sent as text
 * and cast by the database. Slow compared with a bulk loader; used where a dialect has none.
 */
final class JdbcBatchStagingWriter implements StagingWriter {

  private static final int BATCH_ROWS = 1000;

  private final PreparedStatement insert;
  private final RecordValues values;
  private final List<Column> columns;
  private int pending;

  JdbcBatchStagingWriter(Connection connection, GenericSqlDialect dialect, TableName staging, RecordValues values)
      throws SQLException {
    this.values = values;
    this.columns = values.columns();
    StringBuilder sql = new StringBuilder("INSERT INTO ").append(staging.sql(dialect)).append(" (")
        .append(dialect.quote(dialect.rowNumberColumn()));
    StringBuilder parameters = new StringBuilder("?");
    for (Column column : columns) {
      sql.append(", ").append(dialect.quote(column.name()));
      parameters.append(", CAST(? AS ").append(dialect.stagingTypeName(column.type())).append(')');
    }
    sql.append(") VALUES (").append(parameters).append(')');
    this.insert = connection.prepareStatement(sql.toString());
  }

  @Override
  public void write(ObjectNode record, long rowNumber) {
    try {
      insert.setLong(1, rowNumber);
      for (int i = 0; i < columns.size(); i++) {
        insert.setString(i + 2, values.text(record.get(columns.get(i).property()), i));
      }
      insert.addBatch();
      if (++pending == BATCH_ROWS) {
        insert.executeBatch();
        pending = 0;
      }
    } catch (SQLException e) {
      throw new JdbcLoadException("Could not stage a record", e);
    }
  }

  @Override
  public void finish() {
    try {
      if (pending > 0) {
        insert.executeBatch();
        pending = 0;
      }
      insert.close();
    } catch (SQLException e) {
      throw new JdbcLoadException("Could not stage a batch", e);
    }
  }

  @Override
  public void cancel() {
    try {
      insert.close();
    } catch (SQLException ignored) {
      // the transaction is rolled back anyway
    }
  }
}
