package dev.tapline.target.duckdb;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.target.jdbc.Column;
import dev.tapline.target.jdbc.JdbcLoadException;
import dev.tapline.target.jdbc.RecordValues;
import dev.tapline.target.jdbc.StagingWriter;
import java.sql.SQLException;
import org.duckdb.DuckDBAppender;

/** Appends each record to the staging table with the DuckDB appender, as it arrives. */
final class AppenderStagingWriter implements StagingWriter {

  private final DuckDBAppender appender;
  private final RecordValues values;
  private final String[] properties;

  AppenderStagingWriter(DuckDBAppender appender, RecordValues values) {
    this.appender = appender;
    this.values = values;
    this.properties = values.columns().stream().map(Column::property).toArray(String[]::new);
  }

  @Override
  public void write(ObjectNode record, long rowNumber) {
    try {
      appender.beginRow();
      appender.append(rowNumber);
      for (int i = 0; i < properties.length; i++) {
        String text = values.text(record.get(properties[i]), i);
        if (text == null) {
          appender.appendNull();
        } else {
          appender.append(text);
        }
      }
      appender.endRow();
    } catch (SQLException e) {
      throw new JdbcLoadException("Could not append a record to the staging table", e);
    }
  }

  @Override
  public void finish() {
    try {
      appender.close();
    } catch (SQLException e) {
      throw new JdbcLoadException("Could not finish appending a batch", e);
    }
  }

  @Override
  public void cancel() {
    try {
      appender.close();
    } catch (SQLException | RuntimeException ignored) {
      // the transaction is rolled back anyway
    }
  }
}
