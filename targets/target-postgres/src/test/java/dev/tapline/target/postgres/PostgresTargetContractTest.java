package dev.tapline.target.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.target.Target;
import dev.tapline.target.jdbc.contract.SqlTargetContractTest;
import dev.tapline.target.jdbc.contract.TargetProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

  /**
   * Many streams whose records interleave, loaded by a role the server lets open only 3
   * connections: with max_connections 3 every row arrives (streams hand their connection over,
   * committing their batch early) and the final state is echoed; with more allowed than the
   * server grants, the load fails, so the bound is what holds the first run.
   */
  @Test
  void manyInterleavedStreamsShareALimitedNumberOfConnections() throws SQLException {
    ObjectNode config = config();
    String role = "loader_" + config.get("dbname").asText();
    try (Connection connection = connect(config); Statement statement = connection.createStatement()) {
      statement.execute("CREATE ROLE " + role + " LOGIN CONNECTION LIMIT 3");
      statement.execute("ALTER DATABASE " + config.get("dbname").asText() + " OWNER TO " + role);
    }
    config.put("user", role);
    int streams = 8;
    StringBuilder messages = new StringBuilder();
    for (int stream = 0; stream < streams; stream++) {
      messages.append(schemaMessage("s" + stream, "{\"id\":{\"type\":\"integer\"},\"v\":{\"type\":\"string\"}}", "[\"id\"]"));
    }
    for (int id = 1; id <= 50; id++) {
      for (int stream = 0; stream < streams; stream++) {
        messages.append(recordMessage("s" + stream, "{\"id\":" + id + ",\"v\":\"" + stream + "-" + id + "\"}"));
      }
    }
    messages.append(state("{\"bookmarks\":{\"s0\":{\"id\":50}}}"));

    config.put("max_connections", 3);
    TargetProcess loaded = runOk(messages.toString(), config);
    assertTrue(loaded.stdout().contains("\"id\":50"), loaded.stdout());
    for (int stream = 0; stream < streams; stream++) {
      assertEquals(50, count("s" + stream));
      assertEquals(List.of(Map.of("v", stream + "-50")),
          query("SELECT v FROM " + SCHEMA + ".s" + stream + " WHERE id = 50"));
    }

    config.put("max_connections", 5);
    config.put("default_target_schema", "again");
    TargetProcess refused = run(messages.toString(), config);
    assertEquals(1, refused.exitCode(), refused.stderr());
    assertTrue(refused.stderr().contains("too many connections"), refused.stderr());
  }

  @Test
  void settingsOutOfRangeAreReportedTogetherBeforeAnyInput() {
    ObjectNode config = config();
    config.put("max_connections", 0);
    config.put("port", 70000);
    TargetProcess refused = run("this is not read", config);
    assertEquals(2, refused.exitCode(), refused.stderr());
    assertTrue(refused.stderr().contains("max_connections must be at least 1, not 0"), refused.stderr());
    assertTrue(refused.stderr().contains("port must be between 1 and 65535, not 70000"), refused.stderr());
    assertTrue(!refused.stderr().contains("Line 1"), refused.stderr());
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
