package dev.tapline.target.snowflake;

import dev.tapline.spec.ConfigurationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Opens JDBC connections to Snowflake from the settings: the account as an identifier or a full
 * URL, password or key-pair authentication, short timeouts, JSON result sets (no Arrow, so no
 * {@code --add-opens} is needed for what the target reads) and no cloud platform detection.
 */
final class SnowflakeConnector {

  static final String DISABLE_PLATFORM_DETECTION = "net.snowflake.jdbc.disablePlatformDetection";

  private SnowflakeConnector() {}

  /**
   * Turns off the driver's probing of cloud metadata addresses (169.254.169.254 and others) for
   * this process; called before the driver's classes load.
   */
  static void disablePlatformDetection() {
    System.setProperty(DISABLE_PLATFORM_DETECTION, "true");
  }

  /** The driver's own java.util.logging logger, kept so its level sticks. */
  private static final java.util.logging.Logger DRIVER_LOG = java.util.logging.Logger.getLogger("net.snowflake");

  /**
   * The driver logs its retries as SEVERE lines of its own format; the target reports the outcome
   * as one ERROR line instead, unless {@code TAPLINE_LOG_LEVEL=debug}.
   */
  static void quietDriverLog() {
    boolean debug = "debug".equalsIgnoreCase(System.getenv().getOrDefault("TAPLINE_LOG_LEVEL", ""));
    DRIVER_LOG.setLevel(debug ? java.util.logging.Level.FINE : java.util.logging.Level.OFF);
  }

  /** Where a connection goes, for messages (never with secrets). */
  static String describe(SnowflakeTarget.Settings settings) {
    Endpoint endpoint = endpoint(settings.account());
    return "Snowflake account " + endpoint.account() + " at " + endpoint.host() + ":" + endpoint.port()
        + " as " + settings.user();
  }

  /** Host, port, TLS and account name of the {@code account} setting. */
  record Endpoint(String host, int port, boolean tls, String account) {

    String jdbcUrl() {
      return "jdbc:snowflake://" + host + ":" + port + "/?ssl=" + (tls ? "on" : "off");
    }
  }

  static Endpoint endpoint(String account) {
    String trimmed = account.strip();
    String lower = trimmed.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      URI uri;
      try {
        uri = new URI(trimmed);
      } catch (URISyntaxException e) {
        throw new ConfigurationException("account is not a valid URL: " + e.getMessage(),
            List.of("account '" + trimmed + "' is not a valid URL"));
      }
      if (uri.getHost() == null) {
        throw new ConfigurationException("account has no host",
            List.of("account '" + trimmed + "' names no host; write it as https://host[:port]"));
      }
      boolean tls = lower.startsWith("https://");
      int port = uri.getPort() > 0 ? uri.getPort() : (tls ? 443 : 80);
      String name = null;
      if (uri.getQuery() != null) {
        for (String parameter : uri.getQuery().split("&")) {
          if (parameter.startsWith("account=")) {
            name = parameter.substring("account=".length());
          }
        }
      }
      if (name == null) {
        String host = uri.getHost();
        name = host.contains(".") && !Character.isDigit(host.charAt(0)) ? host.substring(0, host.indexOf('.')) : "tapline";
      }
      return new Endpoint(uri.getHost(), port, tls, name);
    }
    String host = lower.endsWith(".snowflakecomputing.com") ? trimmed : trimmed + ".snowflakecomputing.com";
    String name = host.substring(0, host.indexOf('.'));
    return new Endpoint(host, 443, true, name);
  }

  static Connection connect(SnowflakeTarget.Settings settings) throws SQLException {
    disablePlatformDetection();
    quietDriverLog();
    Endpoint endpoint = endpoint(settings.account());
    Properties properties = new Properties();
    properties.setProperty("account", endpoint.account());
    properties.setProperty("user", settings.user());
    properties.setProperty("db", settings.database());
    if (settings.warehouse() != null) {
      properties.setProperty("warehouse", settings.warehouse());
    }
    if (settings.role() != null) {
      properties.setProperty("role", settings.role());
    }
    properties.setProperty("loginTimeout", Integer.toString(settings.loginTimeoutSeconds()));
    properties.setProperty("networkTimeout", Integer.toString(settings.networkTimeoutSeconds() * 1000));
    properties.setProperty("disablePlatformDetection", "true");
    properties.setProperty("JDBC_QUERY_RESULT_FORMAT", "JSON");
    properties.setProperty("CLIENT_TELEMETRY_ENABLED", "false");
    properties.setProperty("putGetMaxRetries", Integer.toString(Math.max(settings.retryCount(), 1)));
    Path temporaryKey = null;
    try {
      if (settings.privateKeyPath() != null || settings.privateKey() != null) {
        Path keyFile = settings.privateKeyPath();
        if (keyFile == null) {
          temporaryKey = writePrivateKey(settings.privateKey());
          keyFile = temporaryKey;
        }
        properties.setProperty("authenticator", "SNOWFLAKE_JWT");
        properties.setProperty("private_key_file", keyFile.toAbsolutePath().toString());
        if (settings.privateKeyPassphrase() != null) {
          properties.setProperty("private_key_pwd", settings.privateKeyPassphrase());
        }
      } else if (settings.password() != null) {
        properties.setProperty("password", settings.password());
      }
      Connection connection = new net.snowflake.client.api.driver.SnowflakeDriver()
          .connect(endpoint.jdbcUrl(), properties);
      if (connection == null) {
        throw new SQLException("the Snowflake driver did not accept " + endpoint.jdbcUrl(), "08001");
      }
      return connection;
    } finally {
      if (temporaryKey != null) {
        try {
          Files.deleteIfExists(temporaryKey);
        } catch (IOException ignored) {
          // a temporary file readable by its owner alone
        }
      }
    }
  }

  /** The driver reads keys from files: a key given as text goes to a file only its owner can read. */
  private static Path writePrivateKey(String pem) {
    try {
      Path file;
      try {
        file = Files.createTempFile("target-snowflake-key", ".p8",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException notPosix) {
        file = Files.createTempFile("target-snowflake-key", ".p8");
      }
      String text = pem.contains("\n") ? pem : pem.replace("\\n", "\n");
      Files.writeString(file, text, StandardCharsets.US_ASCII);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the private key to a temporary file: " + e.getMessage(), e);
    }
  }
}
