package dev.tapline.target.snowflake;

import dev.tapline.spec.Log;
import dev.tapline.target.jdbc.ColumnType;
import dev.tapline.target.jdbc.TableName;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A session on a JDBC connection to Snowflake, in auto-commit mode (one sink owns it). */
final class JdbcSnowflakeSession implements SnowflakeSession {

  private static final Log LOG = Log.of(JdbcSnowflakeSession.class);

  private final Connection connection;

  JdbcSnowflakeSession(Connection connection) {
    this.connection = connection;
  }

  @Override
  public void execute(String sql) throws SQLException {
    if (LOG.isEnabled(Log.Level.DEBUG)) {
      LOG.debug(sql);
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  @Override
  public Map<String, ColumnType> columns(TableName table, SnowflakeDialect dialect) throws SQLException {
    Map<String, ColumnType> columns = new LinkedHashMap<>();
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT column_name, data_type, numeric_precision, numeric_scale FROM information_schema.columns"
            + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
      query.setString(1, table.schema().toUpperCase(Locale.ROOT));
      query.setString(2, table.table().toUpperCase(Locale.ROOT));
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          Integer precision = rows.getObject(3) == null ? null : rows.getInt(3);
          Integer scale = rows.getObject(4) == null ? null : rows.getInt(4);
          columns.put(rows.getString(1), dialect.parseType(rows.getString(2), precision, scale));
        }
      }
    }
    return columns;
  }

  @Override
  public void upload(Path localFolder, String putStatement, String stagePath) throws SQLException {
    if (LOG.isEnabled(Log.Level.DEBUG)) {
      LOG.debug(putStatement);
    }
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(putStatement)) {
      int status = -1;
      try {
        status = result.findColumn("status");
      } catch (SQLException noSuchColumn) {
        // an older driver names it differently; the driver throws on a failed upload anyway
      }
      while (status > 0 && result.next()) {
        String outcome = result.getString(status);
        if (outcome != null && !outcome.equalsIgnoreCase("UPLOADED") && !outcome.equalsIgnoreCase("SKIPPED")) {
          throw new SQLException("PUT of " + result.getString(1) + " to " + stagePath + " ended " + outcome, "08000");
        }
      }
    }
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.warn("Could not close the Snowflake connection: " + e.getMessage());
    }
  }
}
