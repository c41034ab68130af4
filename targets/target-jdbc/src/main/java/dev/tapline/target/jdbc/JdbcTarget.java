package dev.tapline.target.jdbc;

import dev.tapline.target.Sink;
import dev.tapline.target.SinkContext;
import dev.tapline.target.Target;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A target that loads a SQL database through {@link JdbcSink}s: a database target is its settings
 * record, a dialect and a way to connect.
 *
 * @param <S> the target's settings record, which also supplies the shared {@link LoadSettings}
 */
public abstract class JdbcTarget<S extends Record & LoadSettings.Source> extends Target<S> {

  /** Tables emptied for {@code overwrite}, per run (a run binds its own settings instance). */
  private final Map<S, Set<TableName>> overwritten = Collections.synchronizedMap(new IdentityHashMap<>());

  protected JdbcTarget(String name, Class<S> settingsType) {
    super(name, settingsType);
  }

  /** The database's dialect. Called on the loading thread for each sink. */
  protected abstract SqlDialect dialect(S settings);

  /**
   * Opens a connection for one sink. Called on the loading thread when a stream's sink is made.
   * Auto-commit is turned off by the caller.
   */
  protected abstract Connection connect(S settings) throws SQLException;

  /** Where the target loads, for error messages (never with secrets). */
  protected abstract String destination(S settings);

  /** Closes (or returns) a connection from {@link #connect}. Called once per connection. */
  protected void release(Connection connection, S settings) throws SQLException {
    connection.close();
  }

  @Override
  protected Sink sink(SinkContext<S> context) {
    S settings = context.settings();
    Connection connection;
    try {
      connection = connect(settings);
      connection.setAutoCommit(false);
    } catch (SQLException e) {
      throw new JdbcLoadException("Could not connect to " + destination(settings)
          + ". Check the connection settings and that the database is running", e);
    }
    Set<TableName> tables = overwritten.computeIfAbsent(settings, s -> Collections.synchronizedSet(new HashSet<>()));
    return new JdbcSink(context, dialect(settings), connection, settings.loadSettings(), tables,
        () -> release(connection, settings));
  }
}
