package org.duckdb;

/**
 * Tapline's stand-in for the DuckDB driver's class of this name, which target-duckdb's class path
 * holds ahead of the driver (and the distribution's repacked driver jar holds instead of it).
 *
 * <p>The driver's own class starts Java Flight Recorder's event machinery whenever a connection
 * is opened, to register a periodic memory event, whether or not anything records it: about 0.1
 * s of every run's start (a first connection took 120-160 ms with it, 17-22 ms without), spent
 * while the load waits for its first connection. This one does that only when asked with {@code
 * -Dtapline.duckdb.jfrMemoryMonitor=true}, and then hands every call to the driver's monitor as the
 * original does. Its three methods are the ones the driver calls (checked against duckdb_jdbc
 * 2.0.0.1; {@code DuckDbDriverTest} fails when a connection no longer uses this class).
 */
final class JfrMemoryMonitor {

  /** The system property that turns DuckDB's Flight Recorder memory events back on. */
  static final String PROPERTY = "tapline.duckdb.jfrMemoryMonitor";

  private static final boolean ON = Boolean.getBoolean(PROPERTY) && flightRecorderPresent();

  private JfrMemoryMonitor() {}

  private static boolean flightRecorderPresent() {
    try {
      Class.forName("jdk.jfr.FlightRecorder");
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** Whether DuckDB's memory events are on (and this class is the one the driver uses). */
  static boolean on() {
    return ON;
  }

  static void init() {
    if (ON) {
      DuckDBMemoryMonitor.init();
    }
  }

  static void connectionOpened(DuckDBConnection connection) {
    if (ON) {
      DuckDBMemoryMonitor.connectionOpened(connection);
    }
  }

  static void connectionClosed(long database) {
    if (ON) {
      DuckDBMemoryMonitor.connectionClosed(database);
    }
  }
}
