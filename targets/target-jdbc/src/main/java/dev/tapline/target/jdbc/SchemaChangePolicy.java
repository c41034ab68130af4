package dev.tapline.target.jdbc;

/** What happens when a column's type changes in a way that cannot widen without loss. */
public enum SchemaChangePolicy {
  /** Stop with an error naming the stream, column, old and new type. */
  FAIL,
  /** Rename the old column with a timestamp suffix and add a new column of the new type. */
  VERSION
}
