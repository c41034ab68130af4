package dev.tapline.target.duckdb;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import dev.tapline.spec.config.Setting;
import dev.tapline.target.Target;
import dev.tapline.target.jdbc.InvalidDatePolicy;
import dev.tapline.target.jdbc.JdbcTarget;
import dev.tapline.target.jdbc.LoadMethod;
import dev.tapline.target.jdbc.LoadSettings;
import dev.tapline.target.jdbc.SchemaChangePolicy;
import dev.tapline.target.jdbc.SqlDialect;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.sql.Statement;
import org.duckdb.DuckDBConnection;

/**
 * {@code target-duckdb}: loads Singer streams into a DuckDB database file, one table per stream,
 * each batch in one transaction through the DuckDB appender (straight into the table where no key
 * can collide, else through a staging table and a merge; see {@link DuckDbDialect}). All sinks of a
 * run share one open database (DuckDB allows one writing process per file).
 */
public final class DuckDbTarget extends JdbcTarget<DuckDbTarget.Settings> {

  private static final SqlDialect DIALECT = new DuckDbDialect();

  /** The settings of target-duckdb. */
  public record Settings(
      @Setting(description = "The DuckDB database file; created when missing", defaultValue = "tapline.duckdb",
          aliases = {"filepath"}) Path path,
      @Setting(description = "Schema the streams land in; a stream named source-table otherwise uses its source schema",
          required = false) String defaultTargetSchema,
      @Setting(description = "DuckDB's memory_limit for the load (e.g. 128MB, 2GB); DuckDB spills to disk beyond it",
          defaultValue = "48MB") String memoryLimit,
      @Setting(description = "DuckDB worker threads for the load (0: DuckDB's default, one per core); each thread holds its own buffers",
          defaultValue = "1") int threads,
      @Setting(description = "Source schema (the part of a stream name before '-') to target schema",
          required = false) Map<String, String> schemaMapping,
      @Setting(description = "append-only, upsert or overwrite; default upsert for streams with key properties, else append-only",
          required = false) LoadMethod loadMethod,
      @Setting(description = "Delete rows of older table versions and records with _sdc_deleted_at instead of marking them",
          defaultValue = "false") boolean hardDelete,
      @Setting(description = "fail or version: what happens when a column's type changes in a way that cannot widen",
          defaultValue = "fail") SchemaChangePolicy schemaChangePolicy,
      @Setting(description = "error, null or max: what happens to dates DuckDB cannot hold",
          defaultValue = "error") InvalidDatePolicy invalidDatePolicy)
      implements LoadSettings.Source {

    @Override
    public LoadSettings loadSettings() {
      return new LoadSettings(defaultTargetSchema, schemaMapping, loadMethod, hardDelete, schemaChangePolicy,
          invalidDatePolicy);
    }
  }

  /**
   * The open database of each run and how many sinks use it, keyed by the run's settings instance
   * (by identity, as the SDK's runs are: a record's own hashCode bootstraps its generated methods on
   * first use, ~40 ms of a run's start).
   */
  private final Map<Settings, SharedDatabase> databases = new java.util.IdentityHashMap<>();

  private static final class SharedDatabase {
    final DuckDBConnection root;
    int users;

    SharedDatabase(DuckDBConnection root) {
      this.root = root;
    }
  }

  public DuckDbTarget() {
    super("target-duckdb", Settings.class);
  }

  @Override
  protected String description() {
    return "Loads Singer streams into a DuckDB database file with the DuckDB appender, upserting on key properties.";
  }

  /**
   * Batches of two whole DuckDB row groups (2 x 122,880 rows): full row groups are written to the
   * file as they are appended, where a smaller batch goes through the write-ahead log and is
   * compressed again at the next checkpoint. The appender streams records, so a larger batch holds
   * no more records in memory (10M rows: peak RSS 213 MB).
   */
  @Override
  protected ObjectNode settingDefaults() {
    ObjectNode defaults = Json.object();
    defaults.put("batch_size_rows", 2 * 122_880);
    defaults.put("batch_size_bytes", 256L * 1024 * 1024);
    return defaults;
  }

  @Override
  protected SqlDialect dialect(Settings settings) {
    return DIALECT;
  }

  @Override
  protected synchronized Connection connect(Settings settings) throws SQLException {
    SharedDatabase database = databases.get(settings);
    if (database == null) {
      Path file = settings.path().toAbsolutePath();
      String limit = settings.memoryLimit().strip();
      if (!limit.matches("(?i)[0-9]+(\\.[0-9]+)?\\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)")) {
        throw new ConfigurationException("memory_limit must be a size such as 100MB or 2GB, not '" + limit + "'");
      }
      // through DuckDB's driver itself: DriverManager would first load and start every JDBC driver on the class
      // path (in the distribution also pgjdbc and Snowflake's, a large part of a run's start)
      DuckDBConnection root = (DuckDBConnection) new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:" + file, new java.util.Properties());
      // set after opening, not as a connection property: other connections of this process to the
      // same file (DuckDB shares one instance per file) need not repeat the configuration
      try (Statement statement = root.createStatement()) {
        statement.execute("SET memory_limit = '" + limit + "'");
        if (settings.threads() > 0) {
          statement.execute("SET threads = " + settings.threads());
        }
        reuseBlockMemory(statement);
      } catch (SQLException e) {
        root.close();
        throw e;
      }
      database = new SharedDatabase(root);
      databases.put(settings, database);
    }
    database.users++;
    return database.root.duplicate();
  }

  /**
   * Lets DuckDB keep the memory of its 256 KB blocks up to its memory_limit and reuse it, instead
   * of returning it to the system and faulting fresh pages in for the next block: a 1M-row load
   * takes about 20,000 fewer page faults (75,000 -> 54,000) and 0.05-0.08 CPU s less, with the same
   * peak RSS. The setting (DuckDB 1.5) can only grow while a database is open, so a second opening
   * in this process with a smaller memory_limit keeps the first one's; that refusal is ignored.
   */
  private static void reuseBlockMemory(Statement statement) {
    try {
      statement.execute("SET block_allocator_memory = '100%'");
    } catch (SQLException e) {
      // an optimisation only: DuckDB allocates blocks as before
    }
  }

  @Override
  protected synchronized void release(Connection connection, Settings settings) throws SQLException {
    try {
      connection.close();
    } finally {
      SharedDatabase database = databases.get(settings);
      if (database != null && --database.users == 0) {
        databases.remove(settings);
        database.root.close();
      }
    }
  }

  @Override
  protected String destination(Settings settings) {
    return "DuckDB database " + settings.path().toAbsolutePath();
  }

  public static void main(String[] args) {
    if (!java.util.List.of(args).contains("--version") && !java.util.List.of(args).contains("--about")) {
      loadDriverInBackground();
    }
    Target.main(new DuckDbTarget(), args);
  }

  /** Driver classes the first connection, its statements and the appender load, in that order. */
  private static final String[] DRIVER_CLASSES = {"org.duckdb.DuckDBNative", "org.duckdb.DuckDBDriver",
      "org.duckdb.DuckDBConnection", "org.duckdb.DuckDBPreparedStatement", "org.duckdb.DuckDBResultSet",
      "org.duckdb.DuckDBResultSetMetaData", "org.duckdb.DuckDBVector", "org.duckdb.DuckDBColumnType",
      "org.duckdb.DuckDBAppender", "org.duckdb.DuckDBBindings", "org.duckdb.DuckDBAppender$Column"};

  /**
   * The DuckDB driver loads its native library on first use (from the distribution's lib/, or
   * unpacked from its jar: 72 MB, about half a CPU second), and the first connection loads some
   * forty driver classes. Started on a second thread at once, that overlaps with reading the
   * command line, the config and the first messages instead of delaying the first batch; the first
   * connection waits for what is not done yet (class initialisation is locked), and reports any
   * failure.
   */
  private static void loadDriverInBackground() {
    Thread loader = new Thread(() -> {
      try {
        ClassLoader classes = DuckDbTarget.class.getClassLoader();
        Class.forName(DRIVER_CLASSES[0], true, classes);
        for (int i = 1; i < DRIVER_CLASSES.length; i++) {
          Class.forName(DRIVER_CLASSES[i], true, classes);
        }
      } catch (ClassNotFoundException | LinkageError e) {
        // the first connection fails with the driver's own error
      }
    }, "duckdb-native-loader");
    loader.setDaemon(true);
    loader.start();
  }
}
