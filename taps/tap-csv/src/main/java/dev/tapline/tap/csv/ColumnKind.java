package dev.tapline.tap.csv;

/** The value type of a CSV column, inferred or declared. */
enum ColumnKind {
  INTEGER("an integer"),
  NUMBER("a number"),
  BOOLEAN("true or false"),
  DATE("a date (YYYY-MM-DD)"),
  DATE_TIME("a timestamp (YYYY-MM-DDThh:mm:ss with an optional offset)"),
  STRING("text");

  final String description;

  ColumnKind(String description) {
    this.description = description;
  }
}
