package dev.tapline.tap.csv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import dev.tapline.spec.config.Setting;
import dev.tapline.spec.config.SettingsBinder;
import dev.tapline.tap.Tap;
import dev.tapline.tap.TapStream;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code tap-csv}: each entity of the {@code files} setting is a stream read from one or more CSV
 * files (a file, the CSV files of a directory, or a glob; gzip files are unpacked).
 *
 * <p>Property names come from the header row by the rule of {@link ColumnNames}: lower case, runs
 * of characters other than {@code [a-z0-9_]} become {@code _}, trimmed of {@code _}, a leading digit
 * prefixed with {@code _}, duplicates suffixed {@code _2}, {@code _3}; {@code Cost Total $} becomes
 * {@code cost_total}. Keys and the replication key may name a column by its header or its property
 * name.
 *
 * <p>Types are declared per entity ({@code schema}) or inferred from the first {@code
 * infer_sample_rows} rows (see {@link ColumnInference}). A later cell that does not fit the type
 * stops the run with an error naming the file, line, column and value: a stream's SCHEMA is sent
 * before its records, so the type cannot widen afterwards; declare the column's type or sample
 * more rows.
 */
public final class CsvTap extends Tap<CsvTap.Settings> {

  /**
   * The settings; compatible with MeltanoLabs tap-csv ({@code files}, {@code csv_files_definition}).
   *
   * @param files the entities to read
   * @param csvFilesDefinition a JSON file holding the {@code files} list instead
   * @param inferSampleRows rows read to infer the column types of an entity without schema
   * @param startDate where incremental entities on a date or timestamp start without a bookmark
   * @param addMetadataColumns whether to add {@code _sdc_source_file} and {@code _sdc_source_lineno}
   */
  public record Settings(
      @Setting(description = "The entities: a list of {entity, path, keys, delimiter, quotechar,"
          + " encoding, schema, replication_key, sorted}", required = false)
          List<FileDefinition> files,
      @Setting(description = "Path of a JSON file holding the files list", required = false)
          Optional<Path> csvFilesDefinition,
      @Setting(description = "Rows read to infer the column types of an entity without schema",
          defaultValue = "1000")
          int inferSampleRows,
      @Setting(description = "Earliest replication-key value read when there is no bookmark"
          + " (entities with a date or timestamp replication key)", required = false)
          Optional<Instant> startDate,
      @Setting(description = "Add _sdc_source_file and _sdc_source_lineno to every record",
          defaultValue = "false")
          boolean addMetadataColumns) {

    public Settings {
      if ((files == null || files.isEmpty()) && (csvFilesDefinition == null || csvFilesDefinition.isEmpty())) {
        throw new IllegalArgumentException("give 'files' (a list of {\"entity\": ..., \"path\": ...})"
            + " or 'csv_files_definition' (a JSON file holding that list)");
      }
      if (inferSampleRows < 1) {
        throw new IllegalArgumentException("'infer_sample_rows' must be at least 1");
      }
      files = files == null ? List.of() : List.copyOf(files);
    }
  }

  /**
   * One entity.
   *
   * @param entity the stream name
   * @param path a file, a directory (its {@code .csv} and {@code .csv.gz} files) or a glob
   * @param keys the key columns (header or property names)
   * @param delimiter the field separator
   * @param quotechar the quote character
   * @param encoding the character encoding of the files
   * @param schema declared JSON Schema of the properties (an object schema, or its properties)
   * @param replicationKey the column bookmarked for incremental runs
   * @param sorted whether the files are in ascending order of the replication key
   */
  public record FileDefinition(
      @Setting(description = "Stream name") String entity,
      @Setting(description = "A file, a directory of .csv/.csv.gz files, or a glob") String path,
      @Setting(description = "Key columns", required = false) List<String> keys,
      @Setting(description = "Field separator", defaultValue = ",") char delimiter,
      @Setting(description = "Quote character", defaultValue = "\"") char quotechar,
      @Setting(description = "Character encoding", defaultValue = "utf-8") Charset encoding,
      @Setting(description = "Declared JSON Schema of the properties", required = false)
          Optional<ObjectNode> schema,
      @Setting(description = "Column bookmarked for incremental runs", required = false)
          Optional<String> replicationKey,
      @Setting(description = "Whether rows are in ascending order of the replication key",
          defaultValue = "false")
          boolean sorted) {

    public FileDefinition {
      keys = keys == null ? List.of() : List.copyOf(keys);
      schema = schema == null ? Optional.empty() : schema;
      replicationKey = replicationKey == null ? Optional.empty() : replicationKey;
    }
  }

  /** The shape of a {@code csv_files_definition} file once wrapped. */
  record FileList(List<FileDefinition> files) {}

  @Override
  public String name() {
    return "tap-csv";
  }

  @Override
  public String description() {
    return "Reads CSV files (plain or gzip, one or many per entity) as Singer streams.";
  }

  @Override
  protected List<TapStream> streams(Settings settings) {
    List<FileDefinition> definitions = new ArrayList<>(settings.files());
    settings.csvFilesDefinition().ifPresent(file -> definitions.addAll(readDefinitions(file)));
    List<TapStream> streams = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (FileDefinition definition : definitions) {
      try {
        streams.add(new CsvStream(definition, settings.inferSampleRows(), settings.addMetadataColumns()));
      } catch (ConfigurationException e) {
        problems.addAll(e.problems());
      }
    }
    if (problems.size() == 1) {
      throw new ConfigurationException(problems.get(0));
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException("The files have " + problems.size() + " problems", problems);
    }
    return streams;
  }

  private static List<FileDefinition> readDefinitions(Path file) {
    JsonNode list = Json.read(file);
    ObjectNode wrapper = Json.object();
    wrapper.set("files", list);
    try {
      return SettingsBinder.of(FileList.class).bind(wrapper).files();
    } catch (ConfigurationException e) {
      throw new ConfigurationException("csv_files_definition " + file + " is not a list of file"
          + " definitions", e.problems());
    }
  }

  public static void main(String[] args) {
    Tap.main(new CsvTap(), args);
  }
}
