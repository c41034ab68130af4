package dev.tapline.target.jdbc;

import dev.tapline.spec.TaplineException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * What a sink does with one column when a stream's schema meets the table's: the one decision of
 * schema evolution, shared by every SQL sink so that they evolve tables alike.
 */
public enum ColumnChange {
  /** The table has no such column: add it. */
  ADD,
  /** The column holds the wanted type already: load into it as it is. */
  KEEP,
  /** The column's type widens losslessly to the wanted one: alter it. */
  WIDEN,
  /** It cannot widen and the policy is {@code version}: rename the old column, add a new one. */
  VERSION;

  private static final DateTimeFormatter VERSION_SUFFIX =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

  /**
   * The change for a column.
   *
   * @param existing the table's column type, or null when the table has no such column
   * @throws TaplineException when the type cannot widen and the policy is {@code fail}
   */
  public static ColumnChange of(
      String stream, TableName table, Column column, ColumnType existing, SchemaChangePolicy policy) {
    ColumnType wanted = column.type();
    if (existing == null) {
      return ADD;
    }
    if (existing.kind() == ColumnType.Kind.OTHER || existing.equals(wanted) || wanted.fitsIn(existing)) {
      return KEEP;
    }
    if (existing.fitsIn(wanted)) {
      return WIDEN;
    }
    if (policy == SchemaChangePolicy.VERSION) {
      return VERSION;
    }
    throw new TaplineException("Stream '" + stream + "': column " + column.name() + " of table " + table
        + " is " + existing + " but the new schema of property '" + column.property() + "' needs " + wanted
        + ", which the old type cannot hold. Set schema_change_policy to version to keep the old column"
        + " under a new name and add a new one, or change the table yourself.");
  }

  /** The name the old column of a {@link #VERSION} change is kept under. */
  public static String versionedName(SqlNames names, String column) {
    return names.safe(column + "__" + VERSION_SUFFIX.format(Instant.now()));
  }
}
