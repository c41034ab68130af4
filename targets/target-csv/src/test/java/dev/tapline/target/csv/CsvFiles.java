package dev.tapline.target.csv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** Reads CSV files back with Commons CSV, an independent parser, for the tests. */
final class CsvFiles {

  private CsvFiles() {}

  /** The rows of {@code <name>.csv} and then of {@code <name>-*.csv}, as column to non-empty text. */
  static List<ObjectNode> readStream(Path folder, String name, char delimiter, char quote) throws IOException {
    List<ObjectNode> rows = new ArrayList<>();
    if (!Files.isDirectory(folder)) {
      return rows;
    }
    List<Path> files = new ArrayList<>();
    Path main = folder.resolve(name + ".csv");
    if (Files.exists(main)) {
      files.add(main);
    }
    try (Stream<Path> list = Files.list(folder)) {
      list.filter(p -> {
            String file = p.getFileName().toString();
            return file.startsWith(name + "-") && file.endsWith(".csv")
                && file.substring(name.length() + 1).matches("\\d{8}T\\d{6}Z(-\\d+)?\\.csv");
          })
          .sorted()
          .forEach(files::add);
    }
    for (Path file : files) {
      rows.addAll(read(file, delimiter, quote));
    }
    return rows;
  }

  /** The rows of one file, keyed by its header. */
  static List<ObjectNode> read(Path file, char delimiter, char quote) throws IOException {
    CSVFormat format = CSVFormat.RFC4180.builder()
        .setDelimiter(delimiter).setQuote(quote).setHeader().setSkipHeaderRecord(true).get();
    List<ObjectNode> rows = new ArrayList<>();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        CSVParser parser = CSVParser.parse(reader, format)) {
      List<String> header = parser.getHeaderNames();
      for (CSVRecord record : parser) {
        ObjectNode row = Json.object();
        for (int i = 0; i < header.size(); i++) {
          String cell = record.get(i);
          if (!cell.isEmpty()) {
            row.put(header.get(i), cell);
          }
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /** The text a CSV cell holds for a JSON value. */
  static String cellText(JsonNode value) {
    if (value == null || value.isNull()) {
      return "";
    }
    if (value.isTextual()) {
      return value.textValue();
    }
    if (value.isBigDecimal()) {
      return value.decimalValue().toPlainString();
    }
    if (value.isNumber() || value.isBoolean()) {
      return value.asText();
    }
    return Json.write(value);
  }
}
