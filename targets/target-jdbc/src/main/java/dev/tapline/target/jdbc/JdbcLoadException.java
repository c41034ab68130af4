package dev.tapline.target.jdbc;

import dev.tapline.spec.TaplineException;
import java.sql.SQLException;

/** A database refused a load step; the message carries the database's own words. */
public class JdbcLoadException extends TaplineException {

  public JdbcLoadException(String message) {
    super(message);
  }

  public JdbcLoadException(String what, SQLException cause) {
    super(what + ": " + describe(cause), cause);
  }

  /** The database's message, with the chained ones that add something. */
  public static String describe(SQLException e) {
    StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()).strip());
    SQLException next = e.getNextException();
    int depth = 0;
    while (next != null && depth++ < 3) {
      String message = String.valueOf(next.getMessage()).strip();
      if (!text.toString().contains(message)) {
        text.append(" (").append(message).append(')');
      }
      next = next.getNextException();
    }
    return text.toString();
  }
}
