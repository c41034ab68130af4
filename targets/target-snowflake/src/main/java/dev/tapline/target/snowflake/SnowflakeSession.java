package dev.tapline.target.snowflake;

import dev.tapline.target.jdbc.ColumnType;
import dev.tapline.target.jdbc.TableName;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;

/**
 * The few things a {@link SnowflakeSink} asks of Snowflake. The real one runs on the JDBC driver
 * ({@link JdbcSnowflakeSession}); {@link DryRunSession} writes the SQL and files into a folder
 * instead. All methods are called on the SDK's loading thread, one sink per session.
 *
 * <p>Every method may throw {@link SQLException}; the sink decides what is retried with {@link
 * Failures#isTransient}.
 */
public interface SnowflakeSession extends AutoCloseable {

  /** Runs one statement (DDL, DML, {@code COPY}, {@code REMOVE}); Snowflake commits DDL itself. */
  void execute(String sql) throws SQLException;

  /**
   * The columns of an existing table by upper-case name, in table order; empty when the table
   * does not exist. Names and types as Snowflake reports them, read with {@code dialect}.
   */
  Map<String, ColumnType> columns(TableName table, SnowflakeDialect dialect) throws SQLException;

  /**
   * Uploads the files of {@code localFolder} to {@code stageLocation}, a stage path that ends with
   * {@code /}.
   *
   * @param putStatement the {@code PUT} statement that does it, built by the dialect
   * @param stagePath the path below the stage, the same as in {@code stageLocation}, e.g.
   *     {@code tapline/public/orders/RUN/000001/}
   */
  void upload(Path localFolder, String putStatement, String stagePath) throws SQLException;

  /** Ends the session. Does not throw. */
  @Override
  void close();
}
