package dev.tapline.target.snowflake;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Locale;

/**
 * Sorts Snowflake failures into those worth another try (the network, the service being busy or
 * restarting) and the rest. Authentication and authorisation failures are never transient: trying
 * again cannot fix a key and may lock the user out.
 */
public final class Failures {

  private Failures() {}

  /** Whether a failure came from a refused login, a bad key or missing privileges. */
  public static boolean isAuthentication(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    int code = e.getErrorCode();
    if (state.startsWith("28") || (code >= 390100 && code < 390200) || code == 394304 || code == 3001) {
      return true;
    }
    String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return message.contains("incorrect username or password") || message.contains("jwt token is invalid")
        || message.contains("authentication") || message.contains("insufficient privileges");
  }

  /** Whether trying the same step again may succeed. */
  public static boolean isTransient(SQLException e) {
    if (isAuthentication(e)) {
      return false;
    }
    if (e instanceof SQLTransientException) {
      return true;
    }
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (state.startsWith("08") || state.equals("57014") || state.startsWith("40")) {
      return true;
    }
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof IOException) {
        return true;
      }
    }
    String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return message.matches("(?s).*\\b(http )?(500|502|503|504)\\b.*") || message.contains("service unavailable")
        || message.contains("connection reset") || message.contains("timed out") || message.contains("timeout")
        || message.contains("temporarily") || message.contains("please retry") || message.contains("throttl");
  }
}
