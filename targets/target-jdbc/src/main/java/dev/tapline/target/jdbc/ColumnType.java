package dev.tapline.target.jdbc;

import dev.tapline.spec.schema.PropertyType;

/**
 * The type of a column in Tapline's terms, independent of a database's spelling of it. A {@link
 * SqlDialect} turns it into SQL and reads it back from the catalog.
 *
 * @param kind the kind of values
 * @param precision total digits of a {@link Kind#NUMERIC} column, or null for an unconstrained one
 * @param scale digits after the point of a {@link Kind#NUMERIC} column, or null; with a null
 *     precision it is only a hint (the scale {@code multipleOf} implies)
 */
public record ColumnType(Kind kind, Integer precision, Integer scale) {

  /** The kinds of columns Tapline creates. */
  public enum Kind {
    BIGINT,
    NUMERIC,
    TEXT,
    BOOLEAN,
    DATE,
    TIME,
    TIMESTAMP_TZ,
    JSON,
    /** A type Tapline does not create (read from an existing table). */
    OTHER
  }

  public static final ColumnType BIGINT = new ColumnType(Kind.BIGINT, null, null);
  public static final ColumnType NUMERIC = new ColumnType(Kind.NUMERIC, null, null);
  public static final ColumnType TEXT = new ColumnType(Kind.TEXT, null, null);
  public static final ColumnType BOOLEAN = new ColumnType(Kind.BOOLEAN, null, null);
  public static final ColumnType DATE = new ColumnType(Kind.DATE, null, null);
  public static final ColumnType TIME = new ColumnType(Kind.TIME, null, null);
  public static final ColumnType TIMESTAMP_TZ = new ColumnType(Kind.TIMESTAMP_TZ, null, null);
  public static final ColumnType JSON = new ColumnType(Kind.JSON, null, null);

  public static ColumnType numeric(Integer precision, Integer scale) {
    return new ColumnType(Kind.NUMERIC, precision, scale);
  }

  public static final ColumnType OTHER = new ColumnType(Kind.OTHER, null, null);

  /**
   * The column type that holds a property's values exactly: integer as bigint, number as numeric
   * (with the precision and scale the schema declares), date-time as timestamp with time zone,
   * objects, arrays, unions and typeless properties as JSON.
   */
  public static ColumnType of(PropertyType property) {
    switch (property.kind()) {
      case INTEGER:
        return BIGINT;
      case NUMBER:
        if (property.precision() != null) {
          int scale = property.scale() == null ? 0 : property.scale();
          return numeric(Math.max(property.precision(), scale), scale);
        }
        // a scale without precision (from multipleOf) is a hint for databases that need one
        return property.scale() == null ? NUMERIC : new ColumnType(Kind.NUMERIC, null, property.scale());
      case STRING:
        return TEXT;
      case BOOLEAN:
        return BOOLEAN;
      case DATE:
        return DATE;
      case TIME:
        return TIME;
      case DATE_TIME:
        return TIMESTAMP_TZ;
      default:
        return JSON;
    }
  }

  /** Digits before the point, or null when unconstrained. */
  public Integer integerDigits() {
    if (kind == Kind.BIGINT) {
      return 19;
    }
    if (kind != Kind.NUMERIC || precision == null) {
      return null;
    }
    return precision - (scale == null ? 0 : scale);
  }

  /**
   * Whether every value this column can hold fits a column of type {@code wider} without loss, so
   * that {@code wider} may replace it (or keep receiving this type's values).
   */
  public boolean fitsIn(ColumnType wider) {
    if (equals(wider)) {
      return true;
    }
    if (wider.kind == Kind.NUMERIC && (kind == Kind.NUMERIC || kind == Kind.BIGINT)) {
      if (wider.precision == null) {
        return true;
      }
      if (kind == Kind.NUMERIC && precision == null) {
        return false;
      }
      int myScale = kind == Kind.BIGINT ? 0 : (scale == null ? 0 : scale);
      int widerScale = wider.scale == null ? 0 : wider.scale;
      return widerScale >= myScale && wider.integerDigits() >= integerDigits();
    }
    return false;
  }

  /** How {@code --about} and errors name it: {@code numeric(20,2)}, {@code timestamp_tz}. */
  @Override
  public String toString() {
    String name = kind.name().toLowerCase(java.util.Locale.ROOT);
    if (kind == Kind.NUMERIC && precision != null) {
      return name + "(" + precision + "," + (scale == null ? 0 : scale) + ")";
    }
    return name;
  }
}
