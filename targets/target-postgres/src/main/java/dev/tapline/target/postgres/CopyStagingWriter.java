package dev.tapline.target.postgres;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.target.jdbc.Column;
import dev.tapline.target.jdbc.JdbcLoadException;
import dev.tapline.target.jdbc.RecordValues;
import dev.tapline.target.jdbc.StagingWriter;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.copy.CopyIn;

/**
 * Streams records into {@code COPY ... FROM STDIN} (text format) as they arrive: each record is
 * encoded straight into a 256 KiB buffer that is sent whenever it fills, so a batch is never held
 * in memory, and the server parses while the target reads.
 */
final class CopyStagingWriter implements StagingWriter {

  private static final int BUFFER_SIZE = 256 * 1024;

  private final CopyIn copy;
  private final RecordValues values;
  private final List<Column> columns;
  private final String[] properties;
  private final CopyTextEncoder encoder = new CopyTextEncoder(BUFFER_SIZE);
  private final boolean rowNumbers;

  CopyStagingWriter(CopyIn copy, RecordValues values, boolean rowNumbers) {
    this.copy = copy;
    this.rowNumbers = rowNumbers;
    this.values = values;
    this.columns = values.columns();
    this.properties = columns.stream().map(Column::property).toArray(String[]::new);
  }

  @Override
  public void write(ObjectNode record, long rowNumber) {
    if (rowNumbers) {
      encoder.appendLong(rowNumber);
    }
    for (int i = 0; i < properties.length; i++) {
      if (rowNumbers || i > 0) {
        encoder.separator();
      }
      encoder.appendValue(values.text(record.get(properties[i]), i));
    }
    encoder.endRow();
    if (encoder.size() >= BUFFER_SIZE - 8192) {
      send();
    }
  }

  private void send() {
    try {
      copy.writeToCopy(encoder.buffer(), 0, encoder.size());
      encoder.clear();
    } catch (SQLException e) {
      throw new JdbcLoadException("Could not stream records into COPY", e);
    }
  }

  @Override
  public void finish() {
    try {
      if (encoder.size() > 0) {
        send();
      }
      copy.endCopy();
    } catch (SQLException e) {
      throw new JdbcLoadException("COPY failed", e);
    }
  }

  @Override
  public void cancel() {
    try {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    } catch (SQLException ignored) {
      // the transaction is rolled back anyway
    }
  }
}
