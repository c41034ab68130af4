package dev.tapline.tap.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Reads one column of the current row of a result set as a JSON value. One instance per column,
 * made once per stream and called for every row, so it must not allocate more than the value.
 */
@FunctionalInterface
public interface ColumnReader {

  /**
   * The value of column {@code index} (1-based) of the current row, or a JSON null (never Java
   * null). Numbers must be exact. Called on the thread reading the records.
   */
  JsonNode read(ResultSet row, int index) throws SQLException;
}
