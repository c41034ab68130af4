package dev.tapline.tap.postgres;

import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.TaplineException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.postgresql.PGProperty;

/** Opens connections to the source database with the session settings the converters rely on. */
final class PostgresConnections {

  /** Session settings making the text output of values the one {@link TextValue} reads. */
  static final String SESSION_SETTINGS =
      "SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'iso_8601';"
          + " SET extra_float_digits = 3";

  private final PostgresSettings settings;

  PostgresConnections(PostgresSettings settings) {
    this.settings = settings;
  }

  String url() {
    return "jdbc:postgresql://" + hostForUrl(settings.host()) + ":" + settings.port() + "/";
  }

  private static String hostForUrl(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private Properties properties() {
    Properties properties = new Properties();
    PGProperty.PG_DBNAME.set(properties, settings.dbname());
    PGProperty.USER.set(properties, settings.user());
    settings.password().ifPresent(password -> PGProperty.PASSWORD.set(properties, password));
    PGProperty.SSL_MODE.set(properties, settings.sslMode());
    PGProperty.APPLICATION_NAME.set(properties, "tap-postgres");
    // Values are read as the server's text: the binary protocol would make pgjdbc format them.
    PGProperty.BINARY_TRANSFER.set(properties, false);
    PGProperty.CONNECT_TIMEOUT.set(properties, 30);
    return properties;
  }

  /** A new connection for queries, in UTC with ISO dates and intervals. */
  Connection open() throws SQLException {
    Connection connection = openDirectly(url(), properties());
    try (Statement statement = connection.createStatement()) {
      statement.execute(SESSION_SETTINGS);
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    return connection;
  }

  /** A new logical replication connection (a walsender of the database). */
  Connection openReplication() throws SQLException {
    Properties properties = properties();
    PGProperty.REPLICATION.set(properties, "database");
    PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "10");
    PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
    Connection connection = openDirectly(url(), properties);
    try (Statement statement = connection.createStatement()) {
      statement.execute(SESSION_SETTINGS);
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    return connection;
  }

  /** A connection for discovery and checks, with a clear error when the server cannot be reached. */
  Connection openForSetup() {
    try {
      return open();
    } catch (SQLException e) {
      String message = "Cannot connect to PostgreSQL at " + settings.host() + ":" + settings.port()
          + ", database '" + settings.dbname() + "' as '" + settings.user() + "': "
          + e.getMessage().strip() + ". Check host, port, dbname, user, password and ssl_mode.";
      String state = e.getSQLState() == null ? "" : e.getSQLState();
      // wrong password, unknown user or database, refused by pg_hba.conf: the settings are wrong;
      // anything else (server down, network) may pass and is a plain failure
      if (state.startsWith("28") || state.equals("3D000")) {
        throw new ConfigurationException(message);
      }
      throw new TaplineException(message, e);
    }
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
}
