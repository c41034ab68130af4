package dev.tapline.target.postgres;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.target.FlatRecord;
import dev.tapline.target.jdbc.Column;
import dev.tapline.target.jdbc.ColumnType;
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
  private final ColumnType.Kind[] kinds;

  CopyStagingWriter(CopyIn copy, RecordValues values, boolean rowNumbers) {
    this.copy = copy;
    this.rowNumbers = rowNumbers;
    this.values = values;
    this.columns = values.columns();
    this.properties = columns.stream().map(Column::property).toArray(String[]::new);
    this.kinds = new ColumnType.Kind[columns.size()];
    for (int i = 0; i < kinds.length; i++) {
      kinds[i] = values.kind(i);
    }
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

  /**
   * Writes a flat record: numbers, plain strings and dates in range are copied as they were
   * written in the message (JSON strings without escapes hold nothing COPY must escape); any other
   * value goes through {@link RecordValues}, as in {@link #write(ObjectNode, long)}.
   */
  @Override
  public void write(FlatRecord record, int[] columnProperties, long rowNumber) {
    CopyTextEncoder encoder = this.encoder;
    if (rowNumbers) {
      encoder.appendLong(rowNumber);
    }
    byte[] bytes = record.bytes();
    for (int i = 0; i < columnProperties.length; i++) {
      if (rowNumbers || i > 0) {
        encoder.separator();
      }
      int property = columnProperties[i];
      int kind = property < 0 ? FlatRecord.MISSING : record.kind(property);
      if (kind <= FlatRecord.NULL) {
        Long version = property == StagingWriter.TABLE_VERSION ? record.version() : null;
        if (version == null) {
          encoder.appendNull();
        } else {
          encoder.appendLong(version);
        }
        continue;
      }
      ColumnType.Kind column = kinds[i];
      boolean raw = switch (kind) {
        case FlatRecord.INTEGER -> column == ColumnType.Kind.BIGINT || column == ColumnType.Kind.NUMERIC;
        case FlatRecord.DECIMAL -> column == ColumnType.Kind.NUMERIC;
        case FlatRecord.TRUE, FlatRecord.FALSE -> column == ColumnType.Kind.BOOLEAN;
        case FlatRecord.ASCII -> column == ColumnType.Kind.TEXT
            || ((column == ColumnType.Kind.TIMESTAMP_TZ || column == ColumnType.Kind.DATE)
                && RecordValues.yearInRange(bytes, record.start(property), record.end(property)));
        case FlatRecord.UTF8 -> column == ColumnType.Kind.TEXT;
        default -> false;
      };
      if (raw) {
        encoder.appendRaw(bytes, record.start(property), record.end(property));
      } else {
        encoder.appendValue(values.text(record.node(property), i));
      }
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
