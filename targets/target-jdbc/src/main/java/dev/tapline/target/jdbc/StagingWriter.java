package dev.tapline.target.jdbc;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Moves one batch of records into a staging table: a bulk loader (PostgreSQL {@code COPY}, the
 * DuckDB appender, staged files for a warehouse) or plain JDBC batches. Made by {@link
 * SqlDialect#stagingWriter} for each batch, inside the batch's transaction; used on the loading
 * thread only.
 */
public interface StagingWriter {

  /**
   * Stages one record; it may be sent at once or buffered (with bounded memory).
   *
   * @param record the record, never null; values are read with {@link RecordValues}
   * @param rowNumber increasing within the batch, starting at 1; stored in the staging table's
   *     row-number column so that the last record of a key wins
   */
  void write(ObjectNode record, long rowNumber);

  /** Ends the batch: when this returns every record written is in the staging table. */
  void finish();

  /** Gives up the batch (the transaction is rolled back afterwards). Must not throw. */
  void cancel();
}
