package dev.tapline.target.jdbc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.target.FlatRecord;

/**
 * Moves one batch of records into a staging table: a bulk loader (PostgreSQL {@code COPY}, the
 * DuckDB appender, staged files for a warehouse) or plain JDBC batches. Made by {@link
 * SqlDialect#stagingWriter} for each batch, inside the batch's transaction; used on the loading
 * thread only.
 */
public interface StagingWriter {

  /**
   * In the {@code properties} of {@link #write(FlatRecord, int[], long)}: the column takes the
   * message's table version ({@link FlatRecord#version()}, NULL when it has none), for the {@code
   * _sdc_table_version} column the sink adds.
   */
  int TABLE_VERSION = -2;

  /**
   * Stages one record; it may be sent at once or buffered (with bounded memory).
   *
   * @param record the record, never null; values are read with {@link RecordValues}
   * @param rowNumber increasing within the batch, starting at 1; stored in the staging table's
   *     row-number column so that the last record of a key wins
   */
  void write(ObjectNode record, long rowNumber);

  /**
   * Stages one record read flat. The default builds the record's tree and calls {@link
   * #write(ObjectNode, long)}; a writer that can read values from their JSON text does better.
   *
   * @param record the record
   * @param properties for each column of {@link RecordValues#columns()}, the index of its
   *     property in the record's layout, -1 when the layout has none (NULL), or {@link
   *     #TABLE_VERSION}
   * @param rowNumber as for {@link #write(ObjectNode, long)}
   */
  default void write(FlatRecord record, int[] properties, long rowNumber) {
    write(record.toTree(), rowNumber);
  }

  /** Ends the batch: when this returns every record written is in the staging table. */
  void finish();

  /** Gives up the batch (the transaction is rolled back afterwards). Must not throw. */
  void cancel();
}
