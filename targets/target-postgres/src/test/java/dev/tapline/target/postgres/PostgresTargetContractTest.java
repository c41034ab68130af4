package dev.tapline.target.postgres;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.target.Target;
import dev.tapline.target.jdbc.contract.SqlTargetContractTest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The SQL target contract against a real PostgreSQL 17 (embedded binaries), a database per test. */
class PostgresTargetContractTest extends SqlTargetContractTest {

  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres postgres;

  @BeforeAll
  static void startPostgres() throws IOException {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  protected ObjectNode freshDatabase() throws SQLException {
    String name = "contract_" + DATABASES.incrementAndGet();
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    }
    ObjectNode config = Json.object();
    config.put("host", "localhost");
    config.put("port", postgres.getPort());
    config.put("user", "postgres");
    config.put("password", "unused-secret");
    config.put("dbname", name);
    config.put("ssl_mode", "disable");
    return config;
  }

  @Override
  protected Connection connect(ObjectNode config) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://localhost:" + config.get("port").asInt() + "/"
        + config.get("dbname").asText(), "postgres", "");
  }

  @Override
  protected Target<?> newTarget() {
    return new PostgresTarget();
  }

  @Override
  protected String mainClass() {
    return PostgresTarget.class.getName();
  }
}
