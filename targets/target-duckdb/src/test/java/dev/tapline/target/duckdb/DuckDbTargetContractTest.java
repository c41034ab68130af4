package dev.tapline.target.duckdb;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.target.Target;
import dev.tapline.target.jdbc.contract.SqlTargetContractTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/** The SQL target contract against an in-process DuckDB, a database file per test. */
class DuckDbTargetContractTest extends SqlTargetContractTest {

  private static final AtomicInteger DATABASES = new AtomicInteger();

  @Override
  protected ObjectNode freshDatabase() {
    ObjectNode config = Json.object();
    config.put("path", temporary.resolve("contract_" + DATABASES.incrementAndGet() + ".duckdb").toString());
    return config;
  }

  @Override
  protected Connection connect(ObjectNode config) throws SQLException {
    return DriverManager.getConnection("jdbc:duckdb:" + config.get("path").asText());
  }

  @Override
  protected Target<?> newTarget() {
    return new DuckDbTarget();
  }

  @Override
  protected String mainClass() {
    return DuckDbTarget.class.getName();
  }
}
