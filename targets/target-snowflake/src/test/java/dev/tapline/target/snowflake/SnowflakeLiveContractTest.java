package dev.tapline.target.snowflake;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.config.SettingsBinder;
import dev.tapline.target.Target;
import dev.tapline.target.jdbc.contract.SqlTargetContractTest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;

/**
 * The SQL target contract every SQL target runs, against a live Snowflake account. It runs only
 * when {@code SNOWFLAKE_ACCOUNT}, {@code SNOWFLAKE_USER} and a credential ({@code
 * SNOWFLAKE_PASSWORD} or {@code SNOWFLAKE_PRIVATE_KEY_PATH}, with {@code
 * SNOWFLAKE_PRIVATE_KEY_PASSPHRASE} if encrypted) are set; otherwise every test is reported as
 * skipped. {@code SNOWFLAKE_WAREHOUSE} and {@code SNOWFLAKE_ROLE} are used when set. Each test
 * creates a database {@code TAPLINE_TEST_<random>} and drops it afterwards.
 */
class SnowflakeLiveContractTest extends SqlTargetContractTest {

  private static final Map<String, String> ENVIRONMENT = System.getenv();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final List<String> databases = new ArrayList<>();

  private static String variable(String name) {
    String value = ENVIRONMENT.get(name);
    return value == null || value.isBlank() ? null : value;
  }

  @Override
  protected ObjectNode freshDatabase() throws SQLException {
    assumeTrue(variable("SNOWFLAKE_ACCOUNT") != null && variable("SNOWFLAKE_USER") != null
            && (variable("SNOWFLAKE_PASSWORD") != null || variable("SNOWFLAKE_PRIVATE_KEY_PATH") != null),
        "no Snowflake account: set SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER and SNOWFLAKE_PASSWORD"
            + " (or SNOWFLAKE_PRIVATE_KEY_PATH) to run the live contract suite");
    String database = "TAPLINE_TEST_" + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE).toUpperCase(Locale.ROOT);
    ObjectNode config = Json.object();
    config.put("account", variable("SNOWFLAKE_ACCOUNT"));
    config.put("user", variable("SNOWFLAKE_USER"));
    putIfSet(config, "password", "SNOWFLAKE_PASSWORD");
    putIfSet(config, "private_key_path", "SNOWFLAKE_PRIVATE_KEY_PATH");
    putIfSet(config, "private_key_passphrase", "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE");
    putIfSet(config, "warehouse", "SNOWFLAKE_WAREHOUSE");
    putIfSet(config, "role", "SNOWFLAKE_ROLE");
    config.put("database", database);
    ObjectNode bootstrap = config.deepCopy();
    bootstrap.put("database", variable("SNOWFLAKE_DATABASE") == null ? "SNOWFLAKE" : variable("SNOWFLAKE_DATABASE"));
    try (Connection connection = connect(bootstrap); Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE \"" + database + "\"");
    }
    databases.add(database);
    return config;
  }

  private static void putIfSet(ObjectNode config, String setting, String variable) {
    if (variable(variable) != null) {
      config.put(setting, variable(variable));
    }
  }

  @AfterEach
  void dropDatabases() throws SQLException {
    for (String database : databases) {
      ObjectNode config = Json.object();
      config.put("account", variable("SNOWFLAKE_ACCOUNT"));
      config.put("user", variable("SNOWFLAKE_USER"));
      putIfSet(config, "password", "SNOWFLAKE_PASSWORD");
      putIfSet(config, "private_key_path", "SNOWFLAKE_PRIVATE_KEY_PATH");
      putIfSet(config, "private_key_passphrase", "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE");
      putIfSet(config, "warehouse", "SNOWFLAKE_WAREHOUSE");
      putIfSet(config, "role", "SNOWFLAKE_ROLE");
      config.put("database", database);
      try (Connection connection = connect(config); Statement statement = connection.createStatement()) {
        statement.execute("DROP DATABASE IF EXISTS \"" + database + "\"");
      }
    }
    databases.clear();
  }

  @Override
  protected Connection connect(ObjectNode config) throws SQLException {
    ObjectNode settings = config.deepCopy();
    settings.remove("default_target_schema");
    return SnowflakeConnector.connect(SettingsBinder.of(SnowflakeTarget.Settings.class).bind(settings));
  }

  /** Snowflake keeps the names Tapline quotes in upper case; the suite names tables in lower case. */
  @Override
  protected long count(String table) {
    String name = table.replace("\"", "").toUpperCase(Locale.ROOT);
    return ((Number) query("SELECT count(*) AS n FROM \"" + SCHEMA.toUpperCase(Locale.ROOT) + "\".\"" + name + "\"")
        .get(0).get("n")).longValue();
  }

  @Override
  protected Set<String> columns(String table) {
    Set<String> names = new HashSet<>();
    for (Map<String, Object> row : query("SELECT column_name FROM information_schema.columns WHERE table_schema = '"
        + SCHEMA.toUpperCase(Locale.ROOT) + "' AND table_name = '" + table.toUpperCase(Locale.ROOT) + "'")) {
      names.add(String.valueOf(row.get("column_name")).toLowerCase(Locale.ROOT));
    }
    return names;
  }

  @Override
  protected Target<?> newTarget() {
    return new SnowflakeTarget();
  }

  @Override
  protected String mainClass() {
    return SnowflakeTarget.class.getName();
  }
}
