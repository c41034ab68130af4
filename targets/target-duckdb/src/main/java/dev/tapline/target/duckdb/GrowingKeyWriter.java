package dev.tapline.target.duckdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.target.jdbc.StagingWriter;

/**
 * One upsert batch of a table keyed by one integer column: records go straight into the final
 * table while their keys grow (each key above the previous one and above the table's largest key
 * when the batch began), because such a record can neither replace a row of the table nor be
 * replaced by a later record of the batch. From the first record that breaks the order on, every
 * record goes to the staging table, and the upsert merges it as before: it comes later in the
 * stream than the rows appended directly, so it wins over them as it should. A first load or an
 * incremental load whose keys only grow thus skips the staging copy and the merge entirely.
 *
 * <p>All of it happens inside the batch's transaction: nothing is visible before the commit.
 */
final class GrowingKeyWriter implements StagingWriter {

  /** Opens the staging writer on the first record that cannot go straight into the table. */
  interface StagingOpener {
    StagingWriter open();
  }

  private final String keyProperty;
  private final String[] integerProperties;
  private final StagingOpener stagingOpener;
  private AppenderStagingWriter direct;
  private StagingWriter staged;
  private boolean hasLastKey;
  private long lastKey;
  private long directRows;

  /**
   * @param direct the writer into the final table
   * @param keyProperty the property of the table's one key column, a {@code BIGINT}
   * @param integerProperties the properties of every {@code BIGINT} column of the table, whose
   *     values must fit in 64 bits to go straight in
   * @param largestKey the table's largest key when the batch begins, or null when it has none
   */
  GrowingKeyWriter(AppenderStagingWriter direct, String keyProperty, String[] integerProperties, Long largestKey,
      StagingOpener stagingOpener) {
    this.direct = direct;
    this.keyProperty = keyProperty;
    this.integerProperties = integerProperties;
    this.stagingOpener = stagingOpener;
    this.hasLastKey = largestKey != null;
    this.lastKey = largestKey == null ? 0 : largestKey;
  }

  @Override
  public void write(ObjectNode record, long rowNumber) {
    if (direct != null) {
      if (growsTheKey(record)) {
        direct.write(record, rowNumber);
        directRows++;
        return;
      }
      AppenderStagingWriter finishing = direct;
      direct = null;
      finishing.finish();
      staged = stagingOpener.open();
    }
    staged.write(record, rowNumber);
  }

  private boolean growsTheKey(ObjectNode record) {
    JsonNode key = record.get(keyProperty);
    if (key == null || !key.isIntegralNumber() || !key.canConvertToLong()) {
      return false;
    }
    long value = key.longValue();
    if (hasLastKey && value <= lastKey) {
      return false;
    }
    for (String property : integerProperties) {
      JsonNode integer = record.get(property);
      if (integer != null && !integer.isNull() && !(integer.isIntegralNumber() && integer.canConvertToLong())) {
        return false;
      }
    }
    hasLastKey = true;
    lastKey = value;
    return true;
  }

  /** Records of this batch appended straight into the final table so far. */
  long directRows() {
    return directRows;
  }

  @Override
  public void finish() {
    if (direct != null) {
      direct.finish();
    } else {
      staged.finish();
    }
  }

  @Override
  public void cancel() {
    if (direct != null) {
      direct.cancel();
    }
    if (staged != null) {
      staged.cancel();
    }
  }
}
