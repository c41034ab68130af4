package dev.tapline.target.snowflake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.target.TargetHarness;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real driver, pointed at a closed port on 127.0.0.1 (the only address any test may reach),
 * and the settings checks that come before any connection.
 */
class SnowflakeConnectionTest {

  @TempDir Path folder;

  private static final String MESSAGES =
      "{\"type\":\"SCHEMA\",\"stream\":\"orders\",\"schema\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}}},"
          + "\"key_properties\":[\"id\"]}\n"
          + "{\"type\":\"RECORD\",\"stream\":\"orders\",\"record\":{\"id\":1}}\n"
          + "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"orders\":{\"id\":1}}}}\n";

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private ObjectNode config(String account) {
    ObjectNode config = Json.object();
    config.put("account", account);
    config.put("user", "loader");
    config.put("password", "s3cret-Passw0rd");
    config.put("database", "analytics");
    config.put("login_timeout_seconds", 2);
    config.put("network_timeout_seconds", 2);
    config.put("local_staging_path", folder.resolve("local").toString());
    return config;
  }

  private TargetHarness.Result run(ObjectNode config) {
    return TargetHarness.run(new SnowflakeTarget(), MESSAGES.getBytes(StandardCharsets.UTF_8), Map.of(),
        "--config", TargetHarness.writeConfig(folder, config).toString());
  }

  @Test
  void aClosedPortFailsClearlyWithinTheLoginTimeout() throws IOException {
    assertEquals("true", System.getProperty("net.snowflake.jdbc.disablePlatformDetection"),
        "the target turns platform detection off before the driver loads");
    int port = closedPort();
    long started = System.nanoTime();
    TargetHarness.Result result = run(config("http://127.0.0.1:" + port));
    double seconds = (System.nanoTime() - started) / 1e9;

    assertEquals(1, result.exitCode(), result.stderr());
    assertEquals("", result.stdout(), "nothing is echoed");
    String error = result.stderr().lines().filter(l -> l.startsWith("ERROR")).findFirst().orElseThrow();
    assertTrue(error.contains("Could not connect to Snowflake") && error.contains("127.0.0.1:" + port), error);
    assertTrue(error.toLowerCase(java.util.Locale.ROOT).contains("refused")
        || error.toLowerCase(java.util.Locale.ROOT).contains("communication"), error);
    assertFalse(result.stderr().contains("s3cret-Passw0rd"), "the password never reaches the log");
    assertFalse(result.stderr().contains("SEVERE"), "the driver's own retry log stays quiet: " + result.stderr());
    assertTrue(seconds < 20, "a 2 s login timeout ends the attempt in " + seconds + " s");
  }

  @Test
  void accountsAreIdentifiersOrUrls() {
    SnowflakeConnector.Endpoint plain = SnowflakeConnector.endpoint("myorg-account1");
    assertEquals("jdbc:snowflake://myorg-account1.snowflakecomputing.com:443/?ssl=on", plain.jdbcUrl());
    assertEquals("myorg-account1", plain.account());
    SnowflakeConnector.Endpoint located = SnowflakeConnector.endpoint("xy12345.eu-west-1.snowflakecomputing.com");
    assertEquals("xy12345", located.account());
    assertEquals("xy12345.eu-west-1.snowflakecomputing.com", located.host());
    SnowflakeConnector.Endpoint proxy = SnowflakeConnector.endpoint("https://proxy.example.com:8443?account=xy12345");
    assertEquals("jdbc:snowflake://proxy.example.com:8443/?ssl=on", proxy.jdbcUrl());
    assertEquals("xy12345", proxy.account());
    assertEquals("jdbc:snowflake://127.0.0.1:8080/?ssl=off", SnowflakeConnector.endpoint("http://127.0.0.1:8080").jdbcUrl());
  }

  @Test
  void missingCredentialsAndBadNumbersAreReportedTogetherWithExitCode2() {
    ObjectNode config = config("myorg-account1");
    config.remove("password");
    config.put("put_parallelism", 0);
    config.put("file_chunk_mb", 0);
    TargetHarness.Result result = run(config);

    assertEquals(2, result.exitCode(), result.stderr());
    assertTrue(result.stderr().contains("put_parallelism") && result.stderr().contains("file_chunk_mb")
        && result.stderr().contains("private_key_path"), result.stderr());
  }

  @Test
  void aboutListsThePythonTargetsSettingsWithoutSecrets() {
    ObjectNode config = config("myorg-account1");
    TargetHarness.Result result = TargetHarness.run(new SnowflakeTarget(), new byte[0], Map.of(), "--about",
        "--config", TargetHarness.writeConfig(folder, config).toString());
    assertEquals(0, result.exitCode(), result.stderr());
    for (String setting : new String[] {"account", "user", "password", "private_key_path", "private_key",
        "private_key_passphrase", "role", "warehouse", "database", "default_target_schema", "batch_size_rows",
        "load_method", "hard_delete", "add_record_metadata", "validate_records", "flattening_enabled", "stage",
        "file_chunk_mb", "put_parallelism", "dry_run_path"}) {
      assertTrue(result.stdout().contains("\"" + setting + "\""), setting);
    }
    assertFalse(result.stdout().contains("s3cret-Passw0rd"));
  }
}
