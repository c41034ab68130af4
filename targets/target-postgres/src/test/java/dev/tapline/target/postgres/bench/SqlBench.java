package dev.tapline.target.postgres.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import org.postgresql.PGConnection;

/**
 * The helper of {@code bench/sql/targets.sh} (not a test): starts an embedded PostgreSQL 17 and
 * measures the physical limit the SQL targets are compared with, a pgjdbc {@code copyIn} of the raw
 * CSV file.
 *
 * <pre>
 * SqlBench serve PORT_FILE              runs a server until killed; writes its port to PORT_FILE
 * SqlBench copy PORT CSV TABLE KEYED    creates TABLE (with a primary key on id when KEYED is true),
 *                                       COPYs the CSV into it and prints "rows seconds"
 * SqlBench count PORT TABLE             prints the table's row count
 * </pre>
 */
public final class SqlBench {

  private SqlBench() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "serve" -> serve(Path.of(args[1]));
      case "copy" -> copy(Integer.parseInt(args[1]), Path.of(args[2]), args[3], Boolean.parseBoolean(args[4]));
      case "count" -> count(Integer.parseInt(args[1]), args[2]);
      default -> throw new IllegalArgumentException("unknown command " + args[0]);
    }
  }

  private static void serve(Path portFile) throws Exception {
    EmbeddedPostgres postgres = EmbeddedPostgres.builder()
        .setServerConfig("max_wal_size", "4GB")
        .setServerConfig("shared_buffers", "256MB")
        .start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        postgres.close();
      } catch (Exception e) {
        System.err.println("could not stop PostgreSQL: " + e.getMessage());
      }
      stopped.countDown();
    }));
    Path temporary = portFile.resolveSibling(portFile.getFileName() + ".tmp");
    Files.writeString(temporary, Integer.toString(postgres.getPort()));
    Files.move(temporary, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    stopped.await();
  }

  private static Connection connect(int port) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "");
  }

  private static void copy(int port, Path csv, String table, boolean keyed) throws Exception {
    try (Connection connection = connect(port); Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA IF NOT EXISTS bench");
      statement.execute("DROP TABLE IF EXISTS bench." + table);
      statement.execute("CREATE TABLE bench." + table + " (id bigint" + (keyed ? " PRIMARY KEY" : "")
          + ", created_at timestamp with time zone, customer text, amount numeric, currency text, status text,"
          + " description text)");
      long started = System.nanoTime();
      long rows;
      try (InputStream in = new BufferedInputStream(Files.newInputStream(csv), 1 << 16)) {
        rows = connection.unwrap(PGConnection.class).getCopyAPI()
            .copyIn("COPY bench." + table + " FROM STDIN (FORMAT csv, HEADER true)", in, 1 << 16);
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.println(rows + " " + String.format(Locale.ROOT, "%.3f", seconds));
    }
  }

  private static void count(int port, String table) throws SQLException {
    try (Connection connection = connect(port); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
      rows.next();
      System.out.println(rows.getLong(1));
    }
  }
}
