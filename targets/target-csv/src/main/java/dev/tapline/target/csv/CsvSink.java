package dev.tapline.target.csv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.Log;
import dev.tapline.spec.RecordMessage;
import dev.tapline.target.AppendOnlyFile;
import dev.tapline.target.Sink;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Appends records as CSV rows; {@link #commit()} forces them to the disk. */
final class CsvSink implements Sink {

  private static final Log LOG = Log.of(CsvSink.class);
  private static final int FLUSH_CHARACTERS = 1 << 16;
  private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

  private final String[] columns;
  private final char delimiter;
  private final char quote;
  private final AppendOnlyFile file;
  private final StringBuilder rows = new StringBuilder(FLUSH_CHARACTERS + 1024);
  private boolean warnedExtraProperties;

  CsvSink(Path folder, String name, ObjectNode properties, char delimiter, char quote) {
    this.delimiter = delimiter;
    this.quote = quote;
    List<String> names = new ArrayList<>();
    properties.fieldNames().forEachRemaining(names::add);
    this.columns = names.toArray(String[]::new);
    for (String column : columns) {
      appendCell(column);
      rows.append(delimiter);
    }
    if (columns.length > 0) {
      rows.setLength(rows.length() - 1);
    }
    rows.append('\n');
    byte[] header = rows.toString().getBytes(StandardCharsets.UTF_8);
    Path path = folder.resolve(name + ".csv");
    if (Files.exists(path) && !startsWith(path, header)) {
      Path fresh = newFileFor(folder, name);
      LOG.warn(path + " has other columns than stream's current schema: writing its rows to " + fresh);
      path = fresh;
    }
    boolean asciiQuote = quote < 128;
    if (asciiQuote) {
      cutPartialRow(path, (byte) quote);
    }
    this.file = AppendOnlyFile.open(path, !asciiQuote);
    if (!file.isNew()) {
      rows.setLength(0);
    }
  }

  /**
   * Cuts off a last row that a killed run left without its line end. Rows may hold line ends inside
   * quoted cells, so the file is scanned from the start, tracking quotes, for the last line end
   * outside quotes.
   */
  private static void cutPartialRow(Path path, byte quote) {
    if (!Files.exists(path)) {
      return;
    }
    try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(path,
        java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
      long size = channel.size();
      long lastRowEnd = 0;
      boolean quoted = false;
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(1 << 16);
      long position = 0;
      while (position < size) {
        buffer.clear();
        int n = channel.read(buffer, position);
        if (n <= 0) {
          break;
        }
        for (int i = 0; i < n; i++) {
          byte b = buffer.get(i);
          if (b == quote) {
            quoted = !quoted;
          } else if (b == '\n' && !quoted) {
            lastRowEnd = position + i + 1;
          }
        }
        position += n;
      }
      if (lastRowEnd < size) {
        LOG.warn(path + " ended in a partial row (" + (size - lastRowEnd)
            + " bytes never committed, left by an interrupted run): cut it off before appending");
        channel.truncate(lastRowEnd);
        channel.force(true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot repair " + path + ": " + e.getMessage(), e);
    }
  }

  private static boolean startsWith(Path path, byte[] header) {
    try (InputStream in = Files.newInputStream(path)) {
      byte[] start = in.readNBytes(header.length);
      return start.length == 0 || Arrays.equals(start, header);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the header of " + path + ": " + e.getMessage(), e);
    }
  }

  private static Path newFileFor(Path folder, String name) {
    String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(FILE_TIME);
    Path path = folder.resolve(name + "-" + stamp + ".csv");
    for (int n = 2; Files.exists(path); n++) {
      path = folder.resolve(name + "-" + stamp + "-" + n + ".csv");
    }
    return path;
  }

  @Override
  public void write(ObjectNode record, RecordMessage message) {
    if (!warnedExtraProperties && record.size() > columns.length) {
      warnedExtraProperties = true;
      LOG.warn("Records of stream '" + message.stream() + "' have properties that its schema does not declare;"
          + " " + file.path() + " has no column for them and leaves them out");
    }
    for (int i = 0; i < columns.length; i++) {
      if (i > 0) {
        rows.append(delimiter);
      }
      JsonNode value = record.get(columns[i]);
      if (value == null || value.isNull()) {
        continue;
      }
      if (value.isTextual()) {
        appendCell(value.textValue());
      } else if (value.isBigDecimal()) {
        rows.append(value.decimalValue().toPlainString());
      } else if (value.isNumber() || value.isBoolean()) {
        rows.append(value.asText());
      } else {
        appendCell(Json.write(value));
      }
    }
    rows.append('\n');
    if (rows.length() >= FLUSH_CHARACTERS) {
      drain();
    }
  }

  private void appendCell(String text) {
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == delimiter || c == quote || c == '\n' || c == '\r') {
        quoted = true;
        break;
      }
    }
    if (!quoted) {
      rows.append(text);
      return;
    }
    rows.append(quote);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == quote) {
        rows.append(quote);
      }
      rows.append(c);
    }
    rows.append(quote);
  }

  private void drain() {
    try {
      file.output().write(rows.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file.path() + ": " + e.getMessage(), e);
    }
    rows.setLength(0);
  }

  @Override
  public void commit() {
    drain();
    file.commit();
  }

  @Override
  public void abort() {
    rows.setLength(0);
    file.abort();
  }

  @Override
  public void close() {
    try {
      drain();
    } finally {
      file.close();
    }
  }
}
