package org.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.tapline.target.duckdb.DuckDbTarget;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Tapline's stand-in for the driver's JfrMemoryMonitor is the one a connection uses. */
class JfrMemoryMonitorTest {

  @Test
  void theStandInComesFromTargetDuckdbAndConnectionsWork() throws Exception {
    assertEquals(DuckDbTarget.class.getProtectionDomain().getCodeSource().getLocation(),
        JfrMemoryMonitor.class.getProtectionDomain().getCodeSource().getLocation(),
        "org.duckdb.JfrMemoryMonitor must be target-duckdb's, ahead of the driver's on the class path");
    assertFalse(JfrMemoryMonitor.on(), "DuckDB's Flight Recorder events stay off unless asked for");
    try (Connection connection = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT 42")) {
      rows.next();
      assertEquals(42, rows.getInt(1));
    }
  }
}
