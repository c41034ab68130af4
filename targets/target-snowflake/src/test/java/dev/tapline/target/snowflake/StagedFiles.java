package dev.tapline.target.snowflake;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.QuoteMode;

/**
 * Reads staged files back the way Snowflake's file format reads them, with an independent CSV
 * parser (Apache Commons CSV): an unquoted empty field is NULL, a quoted one an empty string.
 */
final class StagedFiles {

  private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder()
      .setRecordSeparator("\n").setNullString("").setQuoteMode(QuoteMode.ALL_NON_NULL).get();

  private StagedFiles() {}

  /** A staged file: its header and rows (cells null for SQL NULL). */
  record Contents(List<String> header, List<List<String>> rows) {}

  static Contents read(Path gzipFile) throws IOException {
    try (Reader reader = new InputStreamReader(new GZIPInputStream(Files.newInputStream(gzipFile)), StandardCharsets.UTF_8);
        CSVParser parser = CSVParser.builder().setReader(reader).setFormat(FORMAT).get()) {
      List<String> header = null;
      List<List<String>> rows = new ArrayList<>();
      for (CSVRecord record : parser) {
        List<String> cells = new ArrayList<>();
        record.forEach(cells::add);
        if (header == null) {
          header = cells;
        } else {
          rows.add(cells);
        }
      }
      return new Contents(header, rows);
    }
  }
}
