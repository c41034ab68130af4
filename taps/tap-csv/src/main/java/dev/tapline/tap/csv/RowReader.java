package dev.tapline.tap.csv;

import java.io.Closeable;
import java.io.IOException;

/** Rows of a CSV file, one at a time. */
interface RowReader extends Closeable {

  /** Moves to the next row; false at the end. */
  boolean advance() throws IOException;

  /** The number of fields of the current row. */
  int fieldCount();

  /** Field {@code index} of the current row as text. */
  String text(int index);

  /** The physical line where the current row started (1-based). */
  long rowLine();

  /** The next row as text, or null at the end. */
  String[] next() throws IOException;
}
