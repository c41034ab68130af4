package dev.tapline.tap.postgres;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.tap.Tap;
import dev.tapline.tap.contract.TapContractTest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The SDK's contract suite against a small database read FULL_TABLE. */
class PostgresTapContractTest extends TapContractTest {

  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
    server.createDatabase("contract", false);
    server.execute("contract",
        "CREATE TABLE orders (id bigint PRIMARY KEY, customer varchar(40) NOT NULL,"
            + " amount numeric(12,2), created_at timestamptz NOT NULL)",
        "INSERT INTO orders SELECT i, 'customer ' || i, i * 1.25, timestamptz '2024-01-01' + i * interval '1 hour'"
            + " FROM generate_series(1, 50) i",
        "CREATE TABLE \"Mixed Case\" (\"Key\" int PRIMARY KEY, \"some value\" text)",
        "INSERT INTO \"Mixed Case\" VALUES (1, 'one'), (2, NULL)",
        "CREATE VIEW big_orders AS SELECT id, amount FROM orders WHERE amount > 50");
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
    return server.config("contract");
  }

  @Override
  protected boolean hasIncrementalStream() {
    return false;
  }
}
