package dev.tapline.target.jdbc;

/**
 * A column of a stream's table.
 *
 * @param property the property of the records it holds, exactly as the tap names it
 * @param name the column name, made safe by {@link SqlNames} (not yet quoted)
 * @param type the column type
 */
public record Column(String property, String name, ColumnType type) {

  public Column withType(ColumnType newType) {
    return new Column(property, name, newType);
  }
}
