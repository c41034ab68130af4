package dev.tapline.tap.csv;

/**
 * Infers a column's type from sample values: the first of integer, number, boolean, date,
 * date-time that every non-empty value satisfies, else text. Numbers get a precision and scale:
 * the scale is the most digits after the point seen, the precision leaves room for at least 18
 * digits before it. Used on one thread.
 */
final class ColumnInference {

  static final int MINIMUM_INTEGER_DIGITS = 18;

  private boolean integer = true;
  private boolean number = true;
  private boolean bool = true;
  private boolean date = true;
  private boolean dateTime = true;
  private boolean exponent;
  private boolean sawValue;
  private boolean sawEmpty;
  private int integerDigits;
  private int fractionDigits;

  void add(String value) {
    if (value == null || value.isEmpty()) {
      sawEmpty = true;
      return;
    }
    sawValue = true;
    if (integer && !Values.isInteger(value)) {
      integer = false;
    }
    if (number) {
      long shape = Values.numberShape(value);
      if (shape < 0) {
        number = false;
      } else {
        exponent |= (shape & Values.EXPONENT) != 0;
        integerDigits = Math.max(integerDigits, Values.integerDigits(shape));
        fractionDigits = Math.max(fractionDigits, Values.fractionDigits(shape));
      }
    }
    if (bool && !Values.isBoolean(value)) {
      bool = false;
    }
    if (date && !Values.isDate(value)) {
      date = false;
    }
    if (dateTime && !Values.isDateTime(value)) {
      dateTime = false;
    }
  }

  /**
   * The inferred column. Columns that are not keys are always nullable (any CSV cell may be
   * empty); a key column only when an empty cell was seen.
   */
  Column result(String header, String name, boolean key) {
    boolean nullable = !key || sawEmpty;
    if (!sawValue) {
      return new Column(header, name, ColumnKind.STRING, nullable, 0, -1, null);
    }
    if (integer) {
      return new Column(header, name, ColumnKind.INTEGER, nullable, 0, -1, null);
    }
    if (number) {
      if (exponent) {
        return new Column(header, name, ColumnKind.NUMBER, nullable, 0, -1, null);
      }
      int precision = Math.max(integerDigits, MINIMUM_INTEGER_DIGITS) + fractionDigits;
      return new Column(header, name, ColumnKind.NUMBER, nullable, precision, fractionDigits, null);
    }
    if (bool) {
      return new Column(header, name, ColumnKind.BOOLEAN, nullable, 0, -1, null);
    }
    if (date) {
      return new Column(header, name, ColumnKind.DATE, nullable, 0, -1, null);
    }
    if (dateTime) {
      return new Column(header, name, ColumnKind.DATE_TIME, nullable, 0, -1, null);
    }
    return new Column(header, name, ColumnKind.STRING, nullable, 0, -1, null);
  }
}
