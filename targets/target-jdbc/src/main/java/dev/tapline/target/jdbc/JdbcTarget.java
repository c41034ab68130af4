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

  /**
   * What the sinks of one run share: its connections, and the tables already emptied for {@code
   * overwrite}.
   */
  private record Run(Connections connections, Set<TableName> overwritten) {}

  /** Each run's shared state, by its settings (a run binds its own settings instance). */
  private final Map<S, Run> runs = Collections.synchronizedMap(new IdentityHashMap<>());

  protected JdbcTarget(String name, Class<S> settingsType) {
    super(name, settingsType);
  }

  /** The database's dialect. Called on the loading thread for each sink. */
  protected abstract SqlDialect dialect(S settings);

  /**
   * Opens a connection. Called on the loading thread when a stream's sink first needs one and
   * fewer than {@link #maxConnections} are open. Auto-commit is turned off by the caller.
   */
  protected abstract Connection connect(S settings) throws SQLException;

  /** Where the target loads, for error messages (never with secrets). */
  protected abstract String destination(S settings);

  /** Closes (or returns) a connection from {@link #connect}. Called once per connection. */
  protected void release(Connection connection, S settings) throws SQLException {
    connection.close();
  }

  /**
   * The most connections a run keeps open at once (see {@link Connections}); by default 8. A
   * target with a setting for it overrides this.
   */
  protected int maxConnections(S settings) {
    return 8;
  }

  @Override
  protected boolean acceptsFlatRecords() {
    return true;
  }

  @Override
  protected Sink sink(SinkContext<S> context) {
    S settings = context.settings();
    Run run = runs.computeIfAbsent(settings, this::newRun);
    return new JdbcSink(context, dialect(settings), run.connections(), settings.loadSettings(), run.overwritten());
  }

  private Run newRun(S settings) {
    Connections connections = new Connections(
        maxConnections(settings),
        () -> {
          try {
            Connection connection = connect(settings);
            connection.setAutoCommit(false);
            return connection;
          } catch (SQLException e) {
            throw new JdbcLoadException("Could not connect to " + destination(settings)
                + ". Check the connection settings and that the database is running", e);
          }
        },
        connection -> release(connection, settings));
    return new Run(connections, Collections.synchronizedSet(new HashSet<>()));
  }
}
