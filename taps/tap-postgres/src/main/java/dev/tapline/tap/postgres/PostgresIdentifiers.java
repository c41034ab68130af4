package dev.tapline.tap.postgres;

/** Quoting of names and literals in the SQL the tap sends. */
final class PostgresIdentifiers {

  private PostgresIdentifiers() {}

  /** A double-quoted identifier, whatever characters the name holds. */
  static String quote(String identifier) {
    if (identifier.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("An identifier cannot contain a NUL character");
    }
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  /** A single-quoted string literal (standard_conforming_strings on, as since PostgreSQL 9.1). */
  static String literal(String value) {
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("A literal cannot contain a NUL character");
    }
    return "'" + value.replace("'", "''") + "'";
  }
}
