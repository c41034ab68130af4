package dev.tapline.tap.postgres;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.tap.Tap;
import dev.tapline.tap.contract.TapContractTest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The SDK's contract suite with every table read LOG_BASED: records carry {@code _sdc_lsn}, the
 * bookmark is a log position, and resuming over an unchanged database moves nothing.
 */
class PostgresTapLogBasedContractTest extends TapContractTest {

  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
    server.createDatabase("logcontract", false);
    server.execute("logcontract",
        "CREATE TABLE orders (id bigint PRIMARY KEY, customer varchar(40) NOT NULL,"
            + " amount numeric(12,2), created_at timestamptz NOT NULL)",
        "INSERT INTO orders SELECT i, 'customer ' || i, i * 1.25, timestamptz '2024-01-01' + i * interval '1 hour'"
            + " FROM generate_series(1, 30) i",
        "CREATE TABLE notes (id int PRIMARY KEY, body text)",
        "INSERT INTO notes VALUES (1, 'first'), (2, NULL)",
        "CREATE VIEW recent_orders AS SELECT id, created_at FROM orders WHERE id > 20");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Override
  protected Tap<?> newTap() {
    return new PostgresTap();
  }

  @Override
  protected ObjectNode config(Path directory) {
    ObjectNode config = server.config("logcontract");
    config.put("default_replication_method", "LOG_BASED");
    config.put("logical_poll_total_seconds", 3);
    return config;
  }
}
