package dev.tapline.target.snowflake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.TaplineException;
import dev.tapline.target.jdbc.Column;
import dev.tapline.target.jdbc.ColumnType;
import dev.tapline.target.jdbc.InvalidDatePolicy;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Writes one batch of records as gzip-compressed CSV files ("chunks") in a local folder, as they
 * arrive: memory stays at a few 64 KB buffers whatever the batch size, while a second thread
 * compresses. A chunk ends once it holds {@code chunkBytes} of uncompressed CSV.
 *
 * <p>The format is what {@link SnowflakeDialect#csvFileFormat()} declares: a header line of column
 * names, then one line per record: the row number, then each column. A SQL NULL is an empty
 * unquoted field; every text, date, time and JSON value is enclosed in double quotes (an empty
 * string is {@code ""}) with quotes doubled and everything else, newlines and NUL characters
 * included, written as it is in UTF-8. Numbers are written exactly in plain notation and checked
 * against their column's precision and scale, so that Snowflake never rounds one.
 */
final class StageFileWriter {

  private static final int BUFFER = 1 << 16;
  private static final int BUFFERS = 4;
  private static final String MAX_DATE = "9999-12-31";
  private static final String MAX_TIMESTAMP = "9999-12-31T23:59:59.999999+00:00";
  private static final String MAX_TIME = "23:59:59.999999";

  private final String stream;
  private final Path folder;
  private final long chunkBytes;
  private final InvalidDatePolicy datePolicy;
  private final String[] properties;
  private final ColumnType.Kind[] kinds;
  private final boolean[] doubles;
  private final int[] scales;
  private final int[] integerDigits;
  private final String[] typeNames;
  private final byte[] header;
  private final List<Path> chunks = new ArrayList<>();
  private final Map<String, Integer> positions = new HashMap<>();
  private final JsonNode[] values;
  /** Compresses full buffers while the next one fills: the loading thread never waits on deflate. */
  private final ExecutorService compressor = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "tapline-stage-gzip");
    thread.setDaemon(true);
    return thread;
  });
  /** Buffers back from the compressor; at most {@value #BUFFERS} exist, which bounds memory. */
  private final ArrayBlockingQueue<byte[]> spare = new ArrayBlockingQueue<>(BUFFERS);
  private int buffersMade = 1;
  private volatile IOException compressionFailure;

  private byte[] buffer = new byte[BUFFER];
  private int length;
  private OutputStream out;
  private long chunkWritten;
  private long rows;
  private long replacedDates;

  /**
   * @param folder an empty folder of this batch alone
   * @param columns the staged columns, in file order after the row number
   * @param typeNames each column's SQL type, for error messages
   */
  StageFileWriter(String stream, Path folder, List<Column> columns, List<String> typeNames, long chunkBytes,
      InvalidDatePolicy datePolicy, String rowNumberColumn) {
    this.stream = stream;
    this.folder = folder;
    this.chunkBytes = chunkBytes;
    this.datePolicy = datePolicy;
    int count = columns.size();
    this.properties = new String[count];
    this.kinds = new ColumnType.Kind[count];
    this.doubles = new boolean[count];
    this.scales = new int[count];
    this.integerDigits = new int[count];
    this.typeNames = typeNames.toArray(new String[0]);
    this.values = new JsonNode[count];
    StringBuilder names = new StringBuilder().append('"').append(rowNumberColumn).append('"');
    for (int i = 0; i < count; i++) {
      Column column = columns.get(i);
      ColumnType type = column.type();
      properties[i] = column.property();
      positions.put(column.property(), i);
      kinds[i] = type.kind();
      doubles[i] = SnowflakeDialect.DOUBLE.equals(type);
      if (type.kind() == ColumnType.Kind.BIGINT) {
        scales[i] = 0;
        integerDigits[i] = SnowflakeDialect.MAX_PRECISION;
      } else if (type.kind() == ColumnType.Kind.NUMERIC) {
        scales[i] = type.scale() == null ? 0 : type.scale();
        integerDigits[i] = (type.precision() == null ? SnowflakeDialect.MAX_PRECISION : type.precision()) - scales[i];
      }
      names.append(",\"").append(column.name().replace("\"", "\"\"")).append('"');
    }
    this.header = names.append('\n').toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Appends one record. */
  void write(ObjectNode record, long rowNumber) {
    if (out == null) {
      startChunk();
    }
    collect(record);
    ensure(24);
    writeLong(rowNumber);
    for (int i = 0; i < properties.length; i++) {
      ensure(1);
      buffer[length++] = ',';
      JsonNode value = values[i];
      if (value != null && !value.isNull()) {
        value(value, i);
      }
    }
    ensure(1);
    buffer[length++] = '\n';
    rows++;
    if (length >= BUFFER) {
      drain();
    }
    if (chunkWritten + length >= chunkBytes) {
      endChunk();
    }
  }

  /**
   * Puts the record's values in column order. Records nearly always list their properties in
   * schema order, so a property is first looked for at its own position (names are interned by
   * Jackson, so that is an identity check) and only then by name.
   */
  private void collect(ObjectNode record) {
    JsonNode[] slots = values;
    java.util.Arrays.fill(slots, null);
    int position = 0;
    for (Map.Entry<String, JsonNode> field : record.properties()) {
      String name = field.getKey();
      if (position < slots.length && properties[position].equals(name)) {
        slots[position] = field.getValue();
      } else {
        Integer index = positions.get(name);
        if (index != null) {
          slots[index] = field.getValue();
        }
      }
      position++;
    }
  }

  /** Ends the batch; returns its chunk files in write order (none when no record came). */
  List<Path> finish() {
    try {
      if (out != null) {
        endChunk();
      }
    } finally {
      compressor.shutdownNow();
    }
    return List.copyOf(chunks);
  }

  /** Closes and deletes what was written. Does not throw. */
  void cancel() {
    compressor.shutdownNow();
    try {
      compressor.awaitTermination(10, TimeUnit.SECONDS);
      if (out != null) {
        out.close();
      }
    } catch (IOException | InterruptedException ignored) {
      // deleted below
    }
    out = null;
    for (Path chunk : chunks) {
      try {
        Files.deleteIfExists(chunk);
      } catch (IOException ignored) {
        // the sink removes the whole folder too
      }
    }
  }

  long rows() {
    return rows;
  }

  /** Dates and timestamps out of Snowflake's range replaced under {@code invalid_date_policy}. */
  long replacedDates() {
    return replacedDates;
  }

  private void value(JsonNode value, int index) {
    switch (kinds[index]) {
      case BIGINT:
      case NUMERIC:
        number(value, index);
        return;
      case BOOLEAN:
        if (value.isBoolean()) {
          ascii(value.booleanValue() ? "true" : "false");
        } else {
          quoted(value.asText());
        }
        return;
      case DATE:
        date(value, index, MAX_DATE);
        return;
      case TIMESTAMP_TZ:
        date(value, index, MAX_TIMESTAMP);
        return;
      case TIME:
        quoted(value.isTextual() ? value.textValue() : value.asText());
        return;
      case JSON:
        quoted(Json.write(value));
        return;
      case OTHER:
        if (doubles[index] && value.isNumber()) {
          ascii(value.isBigDecimal() ? value.decimalValue().toString() : value.asText());
          return;
        }
        quoted(value.isContainerNode() ? Json.write(value) : value.asText());
        return;
      default:
        if (value.isTextual()) {
          quoted(value.textValue());
        } else {
          quoted(value.isContainerNode() ? Json.write(value) : value.asText());
        }
    }
  }

  private void number(JsonNode value, int index) {
    if (value.isInt() || value.isLong()) {
      long number = value.longValue();
      if (integerDigits[index] < 19 && digits(number) > integerDigits[index]) {
        throw tooBig(value.asText(), index);
      }
      ensure(20);
      writeLong(number);
      return;
    }
    if (value.isBigInteger()) {
      BigInteger number = value.bigIntegerValue();
      String text = number.toString();
      if (text.length() - (number.signum() < 0 ? 1 : 0) > integerDigits[index]) {
        throw tooBig(text, index);
      }
      ascii(text);
      return;
    }
    if (value.isNumber()) {
      BigDecimal number = value.decimalValue();
      if (number.scale() > scales[index]) {
        BigDecimal stripped = number.stripTrailingZeros();
        if (stripped.scale() > scales[index]) {
          throw new TaplineException("Stream '" + stream + "', property '" + properties[index] + "': the value "
              + number.toPlainString() + " has more digits after the point than its column " + typeNames[index]
              + " keeps, and Snowflake would round it. Declare the precision and scale in the tap's schema"
              + " (x-singer.decimal) or raise default_number_scale for new columns.");
        }
        number = stripped.setScale(Math.max(stripped.scale(), 0));
      }
      if (number.precision() - number.scale() > integerDigits[index] && number.signum() != 0) {
        throw tooBig(number.toPlainString(), index);
      }
      ascii(number.toPlainString());
      return;
    }
    // text in a number column (records not validated): Snowflake reads it or refuses the batch
    quoted(value.asText());
  }

  private TaplineException tooBig(String text, int index) {
    return new TaplineException("Stream '" + stream + "', property '" + properties[index] + "': the value " + text
        + " has more digits before the point than its column " + typeNames[index] + " holds (Snowflake keeps at most "
        + SnowflakeDialect.MAX_PRECISION + " digits). Declare a smaller scale in the tap's schema (x-singer.decimal).");
  }

  private static int digits(long number) {
    if (number == Long.MIN_VALUE) {
      return 19;
    }
    long magnitude = Math.abs(number);
    int digits = 1;
    while (magnitude >= 10) {
      magnitude /= 10;
      digits++;
    }
    return digits;
  }

  private void date(JsonNode value, int index, String max) {
    String text = value.isTextual() ? value.textValue() : value.asText();
    if (yearInRange(text)) {
      quoted(text);
      return;
    }
    replacedDates++;
    switch (datePolicy) {
      case NULL:
        return;
      case MAX:
        quoted(max);
        return;
      default:
        throw new TaplineException("Stream '" + stream + "', property '" + properties[index] + "': the date '"
            + (text.length() > 40 ? text.substring(0, 40) + "..." : text)
            + "' cannot be stored (years 1 to 9999 only). Set invalid_date_policy to null or max to load such dates.");
    }
  }

  static boolean yearInRange(String text) {
    if (text.length() < 5 || text.charAt(4) != '-') {
      return false;
    }
    int year = 0;
    for (int i = 0; i < 4; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
      year = year * 10 + (c - '0');
    }
    return year >= 1;
  }

  /** Text known to need no quoting (numbers, booleans). */
  private void ascii(String text) {
    int n = text.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      buffer[length++] = (byte) text.charAt(i);
    }
  }

  /** A quoted field: UTF-8, quotes doubled. */
  private void quoted(String text) {
    int n = text.length();
    ensure(n * 3 + 2);
    byte[] b = buffer;
    int at = length;
    b[at++] = '"';
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        if (c == '"') {
          b[at++] = '"';
        }
        b[at++] = (byte) c;
      } else if (c < 0x800) {
        b[at++] = (byte) (0xC0 | (c >> 6));
        b[at++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
        int codePoint = Character.toCodePoint(c, text.charAt(++i));
        b[at++] = (byte) (0xF0 | (codePoint >> 18));
        b[at++] = (byte) (0x80 | ((codePoint >> 12) & 0x3F));
        b[at++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
        b[at++] = (byte) (0x80 | (codePoint & 0x3F));
      } else if (Character.isSurrogate(c)) {
        b[at++] = '?'; // an unpaired surrogate is not text; Java's own encoder does the same
      } else {
        b[at++] = (byte) (0xE0 | (c >> 12));
        b[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[at++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    b[at++] = '"';
    length = at;
  }

  private void writeLong(long value) {
    if (value == Long.MIN_VALUE) {
      ascii(Long.toString(value));
      return;
    }
    if (value < 0) {
      buffer[length++] = '-';
      value = -value;
    }
    int digits = digits(value);
    int end = length + digits;
    for (int at = end - 1; at >= length; at--) {
      buffer[at] = (byte) ('0' + (value % 10));
      value /= 10;
    }
    length = end;
  }

  private void ensure(int more) {
    if (length + more <= buffer.length) {
      return;
    }
    if (length > 0 && out != null) {
      drain();
    }
    if (more > buffer.length) {
      // one value larger than a buffer: a buffer of its own, not kept afterwards
      byte[] larger = new byte[Math.max(more, buffer.length * 2)];
      if (buffer.length == BUFFER) {
        buffersMade--;
      }
      System.arraycopy(buffer, 0, larger, 0, length);
      buffer = larger;
    }
  }

  /** Hands the filled buffer to the compressor and takes an empty one. */
  private void drain() {
    checkCompression();
    byte[] full = buffer;
    int filled = length;
    OutputStream target = out;
    compressor.execute(() -> {
      try {
        target.write(full, 0, filled);
      } catch (IOException e) {
        compressionFailure = e;
      }
      if (full.length == BUFFER) {
        spare.offer(full);
      }
    });
    chunkWritten += filled;
    length = 0;
    byte[] next = spare.poll();
    if (next == null && buffersMade < BUFFERS) {
      buffersMade++;
      next = new byte[BUFFER];
    }
    if (next == null) {
      try {
        next = spare.poll(5, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while compressing stage files", e);
      }
      if (next == null) {
        next = new byte[BUFFER]; // a lost buffer (an oversized one is never returned)
      }
    }
    buffer = next;
  }

  private void checkCompression() {
    IOException failure = compressionFailure;
    if (failure != null) {
      throw new UncheckedIOException("Could not write a stage file in " + folder + ": " + failure.getMessage(), failure);
    }
  }

  private void startChunk() {
    Path chunk = folder.resolve(String.format("part-%04d.csv.gz", chunks.size() + 1));
    try {
      out = new FastGzip(Files.newOutputStream(chunk));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not create stage file " + chunk + ": " + e.getMessage(), e);
    }
    chunks.add(chunk);
    chunkWritten = 0;
    System.arraycopy(header, 0, ensureFor(header.length), length, header.length);
    length += header.length;
  }

  private byte[] ensureFor(int more) {
    ensure(more);
    return buffer;
  }

  private void endChunk() {
    try {
      if (length > 0) {
        drain();
      }
      OutputStream closing = out;
      compressor.submit(() -> {
        closing.close();
        return null;
      }).get();
      checkCompression();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new UncheckedIOException("Could not finish a stage file in " + folder + ": " + cause.getMessage(),
          cause instanceof IOException io ? io : new IOException(cause));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while finishing a stage file", e);
    } finally {
      out = null;
    }
  }

  /** gzip at the fastest level: the files are read once, and the CPU is better spent elsewhere. */
  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(OutputStream out) throws IOException {
      super(out, BUFFER);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }
}
