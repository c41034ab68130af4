package dev.tapline.tap.postgres;

import dev.tapline.spec.config.Setting;
import dev.tapline.tap.ReplicationMethod;
import java.util.Optional;

/**
 * The settings of tap-postgres, named like PipelineWise's tap-postgres.
 *
 * @param host the server's host name
 * @param port the server's port
 * @param user the user to log in as
 * @param password the user's password
 * @param dbname the database to read
 * @param sslMode pgjdbc's {@code sslmode}
 * @param filterSchemas comma-separated schemas to discover; all when absent
 * @param defaultReplicationMethod the method of streams whose catalog entry names none
 * @param maxRunSeconds the longest a LOG_BASED stream reads the change log in one run
 * @param logicalPollTotalSeconds a LOG_BASED stream stops after this long without a change
 * @param breakAtEndLsn whether a LOG_BASED stream stops at the log position current at its start
 * @param slotName the logical replication slot
 * @param publicationName the publication of the LOG_BASED tables
 * @param itersize rows fetched per round trip of a server-side cursor
 */
public record PostgresSettings(
    @Setting(description = "PostgreSQL host name") String host,
    @Setting(description = "PostgreSQL port", defaultValue = "5432") int port,
    @Setting(description = "User to log in as") String user,
    @Setting(description = "Password of the user", secret = true, required = false) Optional<String> password,
    @Setting(description = "Database to read") String dbname,
    @Setting(description = "SSL mode of the connection: disable, allow, prefer, require, verify-ca, verify-full",
        defaultValue = "prefer") String sslMode,
    @Setting(description = "Comma-separated schemas to discover (default: all the user can read)",
        required = false) Optional<String> filterSchemas,
    @Setting(description = "Replication method of streams whose catalog names none: FULL_TABLE,"
        + " INCREMENTAL or LOG_BASED", defaultValue = "FULL_TABLE") ReplicationMethod defaultReplicationMethod,
    @Setting(description = "LOG_BASED: longest time in seconds spent reading the change log in one run",
        defaultValue = "43200") int maxRunSeconds,
    @Setting(description = "LOG_BASED: stop after this many seconds without a change",
        defaultValue = "10") int logicalPollTotalSeconds,
    @Setting(description = "LOG_BASED: stop at the end of the log as it was when the stream started",
        defaultValue = "true") boolean breakAtEndLsn,
    @Setting(description = "LOG_BASED: replication slot name (default: tapline_<dbname>)",
        required = false) Optional<String> slotName,
    @Setting(description = "LOG_BASED: publication name", defaultValue = "tapline") String publicationName,
    @Setting(description = "Rows fetched per round trip of a server-side cursor",
        defaultValue = "20000") int itersize) {

  public PostgresSettings {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be between 1 and 65535");
    }
    if (itersize < 1) {
      throw new IllegalArgumentException("itersize must be at least 1");
    }
    if (maxRunSeconds < 1 || logicalPollTotalSeconds < 1) {
      throw new IllegalArgumentException("max_run_seconds and logical_poll_total_seconds must be at least 1");
    }
  }

  /** The slot name: the setting, else {@code tapline_} and the database name made safe. */
  public String effectiveSlotName() {
    String name = slotName.orElseGet(() -> "tapline_" + dbname);
    String safe = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    return safe.length() > 63 ? safe.substring(0, 63) : safe;
  }
}
