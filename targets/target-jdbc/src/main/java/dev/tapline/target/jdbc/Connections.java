package dev.tapline.target.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The database connections of one run, at most {@code limit} open at once, shared by the run's
 * sinks: a sink holds a connection from its first statement until it closes, unless another sink
 * needs one while all are taken. Then the sink that used its connection least recently commits
 * its open batch (its data is safe; the SDK still echoes the state only after every stream's
 * batch is committed) and hands the connection over; it takes one again when it next needs it.
 * A tap with hundreds of streams therefore needs no more than {@code limit} server connections.
 *
 * <p>Used on the loading thread only.
 */
public final class Connections {

  /** Opens a connection with auto-commit off. */
  @FunctionalInterface
  public interface Opener {
    Connection open() throws SQLException;
  }

  /** Closes (or returns) a connection from the {@link Opener}. */
  @FunctionalInterface
  public interface Closer {
    void close(Connection connection) throws SQLException;
  }

  /** What a sink does when its connection is taken: commit what it has open. */
  interface Holder {
    void yieldConnection();
  }

  private final int limit;
  private final Opener opener;
  private final Closer closer;
  /** The holders in order of last use, least recent first. */
  private final LinkedHashMap<Holder, Connection> held = new LinkedHashMap<>(16, 0.75f, true);

  public Connections(int limit, Opener opener, Closer closer) {
    if (limit < 1) {
      throw new IllegalArgumentException("at least one connection is needed, not " + limit);
    }
    this.limit = limit;
    this.opener = opener;
    this.closer = closer;
  }

  /** The most connections open at once. */
  public int limit() {
    return limit;
  }

  /** Connections open now. */
  public int open() {
    return held.size();
  }

  /**
   * The holder's connection: the one it holds, a new one, or one taken from the least recently
   * active other holder (which first commits its open batch).
   */
  Connection acquire(Holder holder) throws SQLException {
    Connection connection = held.get(holder);
    if (connection != null) {
      return connection;
    }
    if (held.size() >= limit) {
      Iterator<Map.Entry<Holder, Connection>> oldest = held.entrySet().iterator();
      Holder previous = oldest.next().getKey();
      previous.yieldConnection();
      // the commit used (and so touched) the connection: take it by holder, not by position
      connection = held.remove(previous);
    } else {
      connection = opener.open();
    }
    held.put(holder, connection);
    return connection;
  }

  /** The holder's connection if it holds one, else null; does not open or take one. */
  Connection current(Holder holder) {
    return held.get(holder);
  }

  /** The holder is done: its connection, if it holds one, is closed. */
  void release(Holder holder) throws SQLException {
    Connection connection = held.remove(holder);
    if (connection != null) {
      closer.close(connection);
    }
  }
}
