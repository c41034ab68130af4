package dev.tapline.target.postgres;

import dev.tapline.spec.config.Setting;
import dev.tapline.target.Target;
import dev.tapline.target.jdbc.InvalidDatePolicy;
import dev.tapline.target.jdbc.JdbcTarget;
import dev.tapline.target.jdbc.LoadMethod;
import dev.tapline.target.jdbc.LoadSettings;
import dev.tapline.target.jdbc.SchemaChangePolicy;
import dev.tapline.target.jdbc.SqlDialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * {@code target-postgres}: loads Singer streams into PostgreSQL, one table per stream, each batch
 * streamed with {@code COPY} into a staging table and merged in one transaction.
 */
public final class PostgresTarget extends JdbcTarget<PostgresTarget.Settings> {

  private static final SqlDialect DIALECT = new PostgresDialect();

  /** The settings of target-postgres; names follow the Python targets. */
  public record Settings(
      @Setting(description = "Database host", defaultValue = "localhost") String host,
      @Setting(description = "Database port", defaultValue = "5432") int port,
      @Setting(description = "Database user", aliases = {"username"}) String user,
      @Setting(description = "Password", secret = true, required = false) String password,
      @Setting(description = "Database name", aliases = {"database"}) String dbname,
      @Setting(description = "libpq-style SSL mode: disable, allow, prefer, require, verify-ca, verify-full",
          defaultValue = "prefer", aliases = {"sslmode"}) String sslMode,
      @Setting(description = "Schema the streams land in; a stream named source-table otherwise uses its source schema",
          required = false) String defaultTargetSchema,
      @Setting(description = "Source schema (the part of a stream name before '-') to target schema",
          required = false) Map<String, String> schemaMapping,
      @Setting(description = "append-only, upsert or overwrite; default upsert for streams with key properties, else append-only",
          required = false) LoadMethod loadMethod,
      @Setting(description = "Delete rows of older table versions and records with _sdc_deleted_at instead of marking them",
          defaultValue = "false") boolean hardDelete,
      @Setting(description = "fail or version: what happens when a column's type changes in a way that cannot widen",
          defaultValue = "fail") SchemaChangePolicy schemaChangePolicy,
      @Setting(description = "error, null or max: what happens to dates PostgreSQL cannot hold",
          defaultValue = "error") InvalidDatePolicy invalidDatePolicy,
      @Setting(description = "The most connections open at once; with more streams, the least recently"
          + " loaded stream commits its batch early and hands its connection over",
          defaultValue = "8") int maxConnections)
      implements LoadSettings.Source {

    @Override
    public LoadSettings loadSettings() {
      return new LoadSettings(defaultTargetSchema, schemaMapping, loadMethod, hardDelete, schemaChangePolicy,
          invalidDatePolicy);
    }

    @Override
    public String toString() {
      return "Settings[" + user + "@" + host + ":" + port + "/" + dbname + "]";
    }
  }

  public PostgresTarget() {
    super("target-postgres", Settings.class);
  }

  @Override
  protected String description() {
    return "Loads Singer streams into PostgreSQL tables with COPY, upserting on key properties.";
  }

  @Override
  protected SqlDialect dialect(Settings settings) {
    return DIALECT;
  }

  @Override
  protected void checkSettings(Settings settings, List<String> problems) {
    if (settings.maxConnections() < 1) {
      problems.add("max_connections must be at least 1, not " + settings.maxConnections());
    }
    if (settings.port() < 1 || settings.port() > 65535) {
      problems.add("port must be between 1 and 65535, not " + settings.port());
    }
  }

  @Override
  protected int maxConnections(Settings settings) {
    return settings.maxConnections();
  }

  @Override
  protected Connection connect(Settings settings) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", settings.user());
    if (settings.password() != null) {
      properties.setProperty("password", settings.password());
    }
    properties.setProperty("sslmode", settings.sslMode());
    properties.setProperty("ApplicationName", "tapline target-postgres");
    properties.setProperty("reWriteBatchedInserts", "true");
    // a batch is staged in a temporary table: let it stay in memory rather than spill at 8 MB
    properties.setProperty("options", "-c temp_buffers=128MB");
    String url = "jdbc:postgresql://" + settings.host() + ":" + settings.port() + "/" + settings.dbname();
    return openDirectly(url, properties);
  }

  /**
   * Opens a connection through pgjdbc's driver itself: {@code DriverManager} would first load and
   * start every JDBC driver on the class path (in the distribution also DuckDB's and Snowflake's,
   * a large part of a run's start).
   */
  private static Connection openDirectly(String url, java.util.Properties properties) throws SQLException {
    Connection connection = new org.postgresql.Driver().connect(url, properties);
    if (connection == null) {
      throw new SQLException("pgjdbc does not accept the URL " + url);
    }
    return connection;
  }

  @Override
  protected String destination(Settings settings) {
    return "PostgreSQL database " + settings.dbname() + " at " + settings.host() + ":" + settings.port()
        + " as " + settings.user();
  }

  public static void main(String[] args) {
    Target.main(new PostgresTarget(), args);
  }
}
