package dev.tapline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import dev.tapline.spec.TaplineException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * A state backend in PostgreSQL, for pipelines that run on several machines against one state:
 * tables {@code tapline_state} (one row per pipeline), {@code tapline_runs} (the history) and
 * {@code tapline_locks} (who holds a pipeline's lock, since when), made on first use. The lock
 * itself is a session advisory lock on a connection held for the run: the server releases it when
 * that connection ends, also when the process holding it is killed or its machine stops.
 *
 * <p>Each call uses its own short connection, except locks, which keep theirs.
 */
final class PostgresStateBackend implements StateBackend {

  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  /** Serialises the creation of the tables by two first runs at once. */
  private static final long SETUP_LOCK = 0x7461706c696e6531L;

  private final String url;
  private final Properties properties = new Properties();
  private final String schema;
  private volatile boolean ready;

  PostgresStateBackend(String url, String user, String password, String schema) {
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new ConfigurationException("state.url: \"" + url.replaceAll("password=[^&]*", "password=***")
          + "\" is not a PostgreSQL JDBC URL (jdbc:postgresql://host:5432/database).");
    }
    if (!IDENTIFIER.matcher(schema).matches()) {
      throw new ConfigurationException("state.schema: \"" + schema + "\" must be a lower-case SQL name"
          + " (letters, digits, _).");
    }
    this.url = url;
    this.schema = schema;
    if (user != null) {
      properties.setProperty("user", user);
    }
    if (password != null) {
      properties.setProperty("password", password);
    }
    properties.setProperty("ApplicationName", "tapline");
    properties.setProperty("connectTimeout", "10");
  }

  @Override
  public String describe() {
    int query = url.indexOf('?');
    return "postgres " + (query < 0 ? url : url.substring(0, query)) + " schema " + schema;
  }

  private Connection connect() {
    try {
      Connection connection = openDirectly(url, properties);
      connection.setAutoCommit(true);
      if (!ready) {
        setUp(connection);
      }
      return connection;
    } catch (SQLException e) {
      throw new TaplineException("Cannot use the state database " + describe() + ": " + e.getMessage(), e);
    }
  }

  private void setUp(Connection connection) throws SQLException {
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      statement.execute("select pg_advisory_xact_lock(" + SETUP_LOCK + ")");
      statement.execute("create schema if not exists " + schema);
      statement.execute("create table if not exists " + schema + ".tapline_state ("
          + "pipeline text primary key, state jsonb not null, updated_at timestamptz not null default now())");
      statement.execute("create table if not exists " + schema + ".tapline_runs ("
          + "run_id text primary key, pipeline text not null, started_at timestamptz not null,"
          + " status text not null, run jsonb not null)");
      statement.execute("create index if not exists tapline_runs_pipeline on " + schema
          + ".tapline_runs (pipeline, started_at)");
      statement.execute("create table if not exists " + schema + ".tapline_locks ("
          + "pipeline text primary key, holder text not null, since timestamptz not null default now(),"
          + " backend_pid integer)");
      connection.commit();
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
    ready = true;
  }

  /** The advisory lock key of a pipeline: the first 8 bytes of SHA-256 of its name. */
  static long lockKey(String pipeline) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(("tapline:" + pipeline).getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(digest).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Lock lock(String pipeline) {
    Connection connection = connect();
    try {
      boolean locked;
      try (PreparedStatement statement = connection.prepareStatement("select pg_try_advisory_lock(?)")) {
        statement.setLong(1, lockKey(pipeline));
        try (ResultSet result = statement.executeQuery()) {
          result.next();
          locked = result.getBoolean(1);
        }
      }
      if (!locked) {
        String holder = currentHolder(connection, pipeline);
        connection.close();
        throw new PipelineBusyException("The pipeline " + pipeline + " is already running"
            + (holder.isEmpty() ? "" : " (" + holder + ")") + "; it holds its advisory lock in "
            + describe() + ". This run was skipped: two runs of one pipeline would load the same data"
            + " twice and overwrite each other's state.");
      }
      try (PreparedStatement statement = connection.prepareStatement("insert into " + schema
          + ".tapline_locks (pipeline, holder, since, backend_pid) values (?, ?, now(), pg_backend_pid())"
          + " on conflict (pipeline) do update set holder = excluded.holder, since = excluded.since,"
          + " backend_pid = excluded.backend_pid")) {
        statement.setString(1, pipeline);
        statement.setString(2, Holder.current());
        statement.executeUpdate();
      }
    } catch (SQLException e) {
      closeQuietly(connection);
      throw new TaplineException("Cannot lock the pipeline " + pipeline + " in " + describe() + ": " + e.getMessage(), e);
    }
    return () -> closeQuietly(connection);
  }

  /**
   * Who holds the pipeline's lock, as its holder wrote it, once that row is the live holder's (its
   * session holds an advisory lock): the row of an earlier holder, or none yet in the moment after
   * the holder took the lock, is waited out for up to two seconds. Empty when it cannot be told.
   */
  private String currentHolder(Connection connection, String pipeline) throws SQLException {
    for (int attempt = 0; attempt < 20; attempt++) {
      try (PreparedStatement statement = connection.prepareStatement("select l.holder from " + schema
          + ".tapline_locks l where l.pipeline = ? and exists (select 1 from pg_locks k where"
          + " k.locktype = 'advisory' and k.granted and k.pid = l.backend_pid)")) {
        statement.setString(1, pipeline);
        try (ResultSet result = statement.executeQuery()) {
          if (result.next()) {
            return result.getString(1);
          }
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return "";
  }

  private static void closeQuietly(Connection connection) {
    try {
      // closing the session releases its advisory locks
      connection.close();
    } catch (SQLException ignored) {
      // the server releases the lock when the session ends anyway
    }
  }

  @Override
  public Optional<JsonNode> readState(String pipeline) {
    try (Connection connection = connect();
        PreparedStatement statement = connection.prepareStatement(
            "select state::text from " + schema + ".tapline_state where pipeline = ?")) {
      statement.setString(1, pipeline);
      try (ResultSet result = statement.executeQuery()) {
        return result.next() ? Optional.of(Json.parse(result.getString(1))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new TaplineException("Cannot read the state of " + pipeline + " from " + describe() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public StateSink sink(String pipeline) {
    return new StateSink() {
      @Override
      public void write(JsonNode state) throws java.io.IOException {
        try (Connection connection = connect();
            PreparedStatement statement = connection.prepareStatement("insert into " + schema
                + ".tapline_state (pipeline, state, updated_at) values (?, ?::jsonb, now())"
                + " on conflict (pipeline) do update set state = excluded.state, updated_at = now()")) {
          statement.setString(1, pipeline);
          statement.setString(2, Json.write(state));
          statement.executeUpdate();
        } catch (SQLException | TaplineException e) {
          throw new java.io.IOException(e.getMessage(), e);
        }
      }

      @Override
      public String describe() {
        return PostgresStateBackend.this.describe() + " pipeline " + pipeline;
      }
    };
  }

  @Override
  public void clearState(String pipeline) {
    update("delete from " + schema + ".tapline_state where pipeline = ?", pipeline);
  }

  @Override
  public void saveRun(ObjectNode run) {
    try (Connection connection = connect();
        PreparedStatement statement = connection.prepareStatement("insert into " + schema
            + ".tapline_runs (run_id, pipeline, started_at, status, run) values (?, ?, ?::timestamptz, ?, ?::jsonb)"
            + " on conflict (run_id) do update set status = excluded.status, run = excluded.run")) {
      statement.setString(1, run.path("run_id").asText());
      statement.setString(2, run.path("pipeline").asText());
      statement.setString(3, run.path("started_at").asText());
      statement.setString(4, run.path("status").asText());
      statement.setString(5, Json.write(run));
      statement.executeUpdate();
    } catch (SQLException e) {
      throw new TaplineException("Cannot save the run history in " + describe() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void markInterrupted(String pipeline) {
    update("update " + schema + ".tapline_runs set status = 'interrupted', run = run || jsonb_build_object("
        + "'status', 'interrupted', 'error', 'The run ended without saving its outcome (the runner was"
        + " killed or its machine stopped); the state holds what its target had committed.')"
        + " where pipeline = ? and status = 'running'", pipeline);
  }

  private void update(String sql, String pipeline) {
    try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, pipeline);
      statement.executeUpdate();
    } catch (SQLException e) {
      throw new TaplineException("Cannot update " + describe() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<ObjectNode> runs(String pipeline, int limit) {
    String sql = "select run::text from " + schema + ".tapline_runs"
        + (pipeline == null ? "" : " where pipeline = ?") + " order by started_at desc limit " + Math.max(0, limit);
    List<ObjectNode> runs = new ArrayList<>();
    try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
      if (pipeline != null) {
        statement.setString(1, pipeline);
      }
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          runs.add((ObjectNode) Json.parse(result.getString(1)));
        }
      }
    } catch (SQLException e) {
      throw new TaplineException("Cannot read the run history from " + describe() + ": " + e.getMessage(), e);
    }
    return runs;
  }

  @Override
  public void close() {
    // connections are closed after each call; locks by their holders
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
