package dev.tapline.tap.postgres;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** An embedded PostgreSQL 17 with logical decoding on, one per test class. */
final class TestServer implements AutoCloseable {

  private final EmbeddedPostgres server;

  private TestServer(EmbeddedPostgres server) {
    this.server = server;
  }

  static TestServer start() {
    return start("60s");
  }

  /** A server that ends replication connections silent for {@code walSenderTimeout}. */
  static TestServer start(String walSenderTimeout) {
    try {
      return new TestServer(EmbeddedPostgres.builder()
          .setServerConfig("wal_level", "logical")
          .setServerConfig("max_replication_slots", "10")
          .setServerConfig("max_wal_senders", "10")
          .setServerConfig("wal_sender_timeout", walSenderTimeout)
          .start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return server.getPort();
  }

  /** Creates a database, loaded with Pagila when asked. */
  void createDatabase(String name, boolean pagila) throws SQLException {
    try (Connection connection = connect("postgres"); Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    }
    if (pagila) {
      try (Connection connection = connect(name)) {
        SqlScript.runResource(connection, "pagila-schema.sql");
        SqlScript.runResource(connection, "pagila-data.sql");
      }
      execute(name, "ANALYZE");
    }
  }

  Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://localhost:" + port() + "/" + database, "postgres", "");
  }

  void execute(String database, String... sql) throws SQLException {
    try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
      for (String one : sql) {
        statement.execute(one);
      }
    }
  }

  /** The rows of a query, each as a list of the columns' text. */
  List<List<String>> query(String database, String sql) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Connection connection = connect(database); Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      int columns = result.getMetaData().getColumnCount();
      while (result.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          row.add(result.getString(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  String queryOne(String database, String sql) throws SQLException {
    return query(database, sql).get(0).get(0);
  }

  /** A tap config for a database of this server. */
  ObjectNode config(String database) {
    ObjectNode config = Json.object();
    config.put("host", "localhost");
    config.put("port", port());
    config.put("user", "postgres");
    config.put("password", "not-needed-but-secret");
    config.put("dbname", database);
    config.put("ssl_mode", "disable");
    return config;
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
