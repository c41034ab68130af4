package dev.tapline.target.snowflake;

import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.config.Setting;
import dev.tapline.target.Sink;
import dev.tapline.target.SinkContext;
import dev.tapline.target.Target;
import dev.tapline.target.jdbc.InvalidDatePolicy;
import dev.tapline.target.jdbc.JdbcLoadException;
import dev.tapline.target.jdbc.LoadMethod;
import dev.tapline.target.jdbc.LoadSettings;
import dev.tapline.target.jdbc.SchemaChangePolicy;
import dev.tapline.target.jdbc.TableName;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code target-snowflake}: loads Singer streams into Snowflake tables in bulk. Each batch is
 * written as compressed CSV files, uploaded with {@code PUT}, copied into a transient staging
 * table and merged with one statement; the state is echoed only after that.
 */
public final class SnowflakeTarget extends Target<SnowflakeTarget.Settings> {

  static {
    // before the driver's classes load: it must never probe cloud metadata addresses
    SnowflakeConnector.disablePlatformDetection();
  }

  /** The settings of target-snowflake; names follow the Python Snowflake targets. */
  public record Settings(
      @Setting(description = "Account identifier (orgname-account or locator.region), or a full URL such as"
          + " https://host:443 for a proxy or test endpoint") String account,
      @Setting(description = "User name", aliases = {"username"}) String user,
      @Setting(description = "Password (or use key-pair authentication)", secret = true, required = false)
          String password,
      @Setting(description = "Path of a PEM private key for key-pair authentication", required = false)
          Path privateKeyPath,
      @Setting(description = "PEM text of a private key for key-pair authentication", secret = true, required = false)
          String privateKey,
      @Setting(description = "Passphrase of an encrypted private key", secret = true, required = false)
          String privateKeyPassphrase,
      @Setting(description = "Role to use", required = false) String role,
      @Setting(description = "Virtual warehouse that runs COPY and MERGE", required = false) String warehouse,
      @Setting(description = "Database the streams land in", aliases = {"dbname"}) String database,
      @Setting(description = "Schema the streams land in; a stream named source-table otherwise uses its source schema",
          required = false) String defaultTargetSchema,
      @Setting(description = "Source schema (the part of a stream name before '-') to target schema",
          required = false) Map<String, String> schemaMapping,
      @Setting(description = "append-only, upsert or overwrite; default upsert for streams with key properties, else append-only",
          required = false) LoadMethod loadMethod,
      @Setting(description = "Delete rows of older table versions and records with _sdc_deleted_at instead of marking them",
          defaultValue = "false") boolean hardDelete,
      @Setting(description = "fail or version: what happens when a column's type changes in a way that cannot widen",
          defaultValue = "fail") SchemaChangePolicy schemaChangePolicy,
      @Setting(description = "error, null or max: what happens to dates Snowflake cannot hold",
          defaultValue = "error") InvalidDatePolicy invalidDatePolicy,
      @Setting(description = "Named stage to upload files to (e.g. MY_DB.MY_SCHEMA.MY_STAGE); default: each table's own stage",
          required = false) String stage,
      @Setting(description = "Uncompressed megabytes of CSV per staged file", defaultValue = "64") int fileChunkMb,
      @Setting(description = "Threads the driver uploads files with", defaultValue = "4") int putParallelism,
      @Setting(description = "Scale of NUMBER columns for numbers whose schema gives no scale (never FLOAT)",
          defaultValue = "9") int defaultNumberScale,
      @Setting(description = "How many times an upload or COPY is tried again after a network or service failure",
          defaultValue = "3") int retryCount,
      @Setting(description = "Wait before the first retry, doubled for each further one", defaultValue = "2")
          Duration retryWait,
      @Setting(description = "Seconds to wait for the login", defaultValue = "60") int loginTimeoutSeconds,
      @Setting(description = "Seconds to wait for any response of Snowflake", defaultValue = "300")
          int networkTimeoutSeconds,
      @Setting(description = "Folder for batch files before the upload; default: the system's temporary folder",
          required = false) Path localStagingPath,
      @Setting(description = "Connect to nothing: write the SQL and the files that would be loaded into this folder",
          required = false) Path dryRunPath)
      implements LoadSettings.Source {

    @Override
    public LoadSettings loadSettings() {
      return new LoadSettings(defaultTargetSchema, schemaMapping, loadMethod, hardDelete, schemaChangePolicy,
          invalidDatePolicy);
    }

    @Override
    public String toString() {
      return "Settings[" + user + "@" + account + "/" + database + "]";
    }
  }

  /** Opens the session of one sink. */
  @FunctionalInterface
  public interface SessionFactory {
    SnowflakeSession open(Settings settings) throws SQLException;
  }

  private static final DateTimeFormatter RUN_TIME =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS").withZone(ZoneOffset.UTC);
  private static final AtomicLong SINKS = new AtomicLong();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SessionFactory sessions;
  private final Retry.Sleeper sleeper;
  /** Tables replaced for {@code overwrite}, per run (a run binds its own settings instance). */
  private final Map<Settings, Set<TableName>> overwritten = Collections.synchronizedMap(new IdentityHashMap<>());

  public SnowflakeTarget() {
    this(SnowflakeTarget::openSession, Thread::sleep);
  }

  /** A target whose sinks use sessions from {@code sessions} and wait between retries with {@code sleeper}. */
  public SnowflakeTarget(SessionFactory sessions, Retry.Sleeper sleeper) {
    super("target-snowflake", Settings.class);
    this.sessions = sessions;
    this.sleeper = sleeper;
  }

  private static SnowflakeSession openSession(Settings settings) throws SQLException {
    if (settings.dryRunPath() != null) {
      return new DryRunSession(settings.dryRunPath());
    }
    return new JdbcSnowflakeSession(SnowflakeConnector.connect(settings));
  }

  @Override
  protected String description() {
    return "Loads Singer streams into Snowflake: compressed CSV files staged with PUT, COPY INTO a transient"
        + " table and one MERGE per batch.";
  }

  @Override
  protected Sink sink(SinkContext<Settings> context) {
    Settings settings = context.settings();
    check(settings);
    SnowflakeSession session;
    try {
      session = sessions.open(settings);
    } catch (SQLException e) {
      throw new JdbcLoadException("Could not connect to " + SnowflakeConnector.describe(settings)
          + (Failures.isAuthentication(e) ? ". Check user, password or private key, and role"
              : ". Check account, network access and login_timeout_seconds"), e);
    }
    Path local = settings.localStagingPath() != null ? settings.localStagingPath()
        : Path.of(System.getProperty("java.io.tmpdir"), "target-snowflake");
    Set<TableName> tables = overwritten.computeIfAbsent(settings, s -> Collections.synchronizedSet(new HashSet<>()));
    SnowflakeSink.Options options = new SnowflakeSink.Options(settings.loadSettings(), settings.stage(),
        (long) settings.fileChunkMb() << 20, settings.putParallelism(), local, runId(), tables,
        new Retry(settings.retryCount(), settings.retryWait().toMillis(), sleeper));
    return new SnowflakeSink(context, new SnowflakeDialect(settings.defaultNumberScale()), session, options);
  }

  /** Problems the binder cannot see, all reported at once (exit code 2). */
  static void check(Settings settings) {
    List<String> problems = new ArrayList<>();
    if (settings.fileChunkMb() < 1 || settings.fileChunkMb() > 4096) {
      problems.add("file_chunk_mb must be 1 to 4096, not " + settings.fileChunkMb());
    }
    if (settings.putParallelism() < 1 || settings.putParallelism() > 99) {
      problems.add("put_parallelism must be 1 to 99, not " + settings.putParallelism());
    }
    if (settings.defaultNumberScale() < 0 || settings.defaultNumberScale() > 37) {
      problems.add("default_number_scale must be 0 to 37, not " + settings.defaultNumberScale());
    }
    if (settings.retryCount() < 0) {
      problems.add("retry_count must be 0 or more, not " + settings.retryCount());
    }
    if (settings.loginTimeoutSeconds() < 1 || settings.networkTimeoutSeconds() < 1) {
      problems.add("login_timeout_seconds and network_timeout_seconds must be at least 1");
    }
    if (settings.stage() != null && !settings.stage().matches("[A-Za-z0-9_$.\"]+")) {
      problems.add("stage must be a stage name such as MY_DB.MY_SCHEMA.MY_STAGE, not '" + settings.stage() + "'");
    }
    if (settings.dryRunPath() == null && settings.password() == null && settings.privateKey() == null
        && settings.privateKeyPath() == null) {
      problems.add("give password, private_key_path or private_key (key-pair authentication)");
    }
    if (settings.privateKey() != null && settings.privateKeyPath() != null) {
      problems.add("give private_key_path or private_key, not both");
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException("The config of target-snowflake has " + problems.size()
          + (problems.size() == 1 ? " problem" : " problems"), problems);
    }
  }

  /** A name for one sink's files and staging table: sortable by time, unique in any run. */
  private static String runId() {
    return RUN_TIME.format(java.time.Instant.now()) + String.format("_%04d_%04x", SINKS.incrementAndGet() % 10_000,
        RANDOM.nextInt(1 << 16));
  }

  public static void main(String[] args) {
    Target.main(new SnowflakeTarget(), args);
  }
}
