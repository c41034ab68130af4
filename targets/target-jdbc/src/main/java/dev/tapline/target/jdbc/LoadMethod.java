package dev.tapline.target.jdbc;

/** How a flush reaches the final table. */
public enum LoadMethod {
  /** Insert every record. */
  APPEND_ONLY,
  /** Insert or update by the stream's key properties; the last record of a key wins. */
  UPSERT,
  /** Replace the table's content with what this run loads. */
  OVERWRITE
}
