package dev.tapline.tap.postgres;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Runs a pg_dump script through pgjdbc, without psql: statements split at semicolons outside
 * quotes, comments and dollar-quoted bodies, and {@code COPY ... FROM stdin} blocks fed to the
 * COPY protocol.
 */
public final class SqlScript {

  private SqlScript() {}

  public static void runResource(Connection connection, String resource) throws SQLException {
    try (InputStream in = SqlScript.class.getResourceAsStream("/" + resource)) {
      if (in == null) {
        throw new IllegalArgumentException("No test resource " + resource);
      }
      run(connection, new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void run(Connection connection, BufferedReader lines) throws SQLException, IOException {
    CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
    StringBuilder statement = new StringBuilder();
    Splitter splitter = new Splitter();
    String line;
    while ((line = lines.readLine()) != null) {
      if (splitter.isIdle() && statement.toString().isBlank()
          && line.startsWith("COPY ") && line.endsWith("FROM stdin;")) {
        StringBuilder data = new StringBuilder();
        String row;
        while (!(row = lines.readLine()).equals("\\.")) {
          data.append(row).append('\n');
        }
        copy.copyIn(line.substring(0, line.length() - 1), new StringReader(data.toString()));
        continue;
      }
      for (String complete : splitter.feed(line + "\n", statement)) {
        execute(connection, complete);
      }
    }
    if (!statement.toString().isBlank()) {
      execute(connection, statement.toString());
    }
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    if (sql.isBlank()) {
      return;
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /** Follows quotes, comments and dollar quotes across lines. */
  private static final class Splitter {
    private char quote;
    private String dollarTag;

    boolean isIdle() {
      return quote == 0 && dollarTag == null;
    }

    java.util.List<String> feed(String text, StringBuilder statement) {
      java.util.List<String> complete = new java.util.ArrayList<>();
      int i = 0;
      while (i < text.length()) {
        char c = text.charAt(i);
        if (dollarTag != null) {
          if (text.startsWith(dollarTag, i)) {
            statement.append(dollarTag);
            i += dollarTag.length();
            dollarTag = null;
          } else {
            statement.append(c);
            i++;
          }
          continue;
        }
        if (quote != 0) {
          statement.append(c);
          if (c == quote) {
            quote = 0;
          }
          i++;
          continue;
        }
        if (c == '-' && i + 1 < text.length() && text.charAt(i + 1) == '-') {
          int end = text.indexOf('\n', i);
          i = end < 0 ? text.length() : end;
          continue;
        }
        if (c == '\'' || c == '"') {
          quote = c;
          statement.append(c);
          i++;
          continue;
        }
        if (c == '$') {
          int end = text.indexOf('$', i + 1);
          if (end > 0 && text.substring(i + 1, end).matches("[A-Za-z_0-9]*")) {
            dollarTag = text.substring(i, end + 1);
            statement.append(dollarTag);
            i = end + 1;
            continue;
          }
        }
        if (c == ';') {
          complete.add(statement.toString());
          statement.setLength(0);
          i++;
          continue;
        }
        statement.append(c);
        i++;
      }
      return complete;
    }
  }
}
