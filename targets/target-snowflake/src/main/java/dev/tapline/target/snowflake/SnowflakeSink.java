package dev.tapline.target.snowflake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.Log;
import dev.tapline.spec.RecordMessage;
import dev.tapline.spec.TaplineException;
import dev.tapline.spec.Timestamps;
import dev.tapline.spec.schema.PropertyType;
import dev.tapline.target.Sink;
import dev.tapline.target.SinkContext;
import dev.tapline.target.jdbc.Column;
import dev.tapline.target.jdbc.ColumnChange;
import dev.tapline.target.jdbc.ColumnType;
import dev.tapline.target.jdbc.JdbcLoadException;
import dev.tapline.target.jdbc.LoadMethod;
import dev.tapline.target.jdbc.LoadSettings;
import dev.tapline.target.jdbc.SqlNames;
import dev.tapline.target.jdbc.TableName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Loads one stream into one Snowflake table. Records are written to compressed CSV files while
 * they arrive ({@link StageFileWriter}); {@link #commit()} then runs, in this order: {@code PUT} of
 * the batch's files to the stage, {@code COPY INTO} a transient staging table naming each file,
 * one {@code MERGE} (or {@code INSERT} for append-only, a table swap for the first batch of an
 * overwrite), and the cleanup (staging table dropped, staged and local files removed). Only when
 * all of it succeeded does {@code commit()} return and the SDK echo the state. Uploads, the staging
 * table and the copy are tried again after transient failures; the merge is not, because it is
 * the step whose outcome must never be doubled.
 */
public final class SnowflakeSink implements Sink {

  static final String TABLE_VERSION = "_sdc_table_version";
  static final String DELETED_AT = "_sdc_deleted_at";

  private static final Log LOG = Log.of(SnowflakeSink.class);

  /**
   * How a sink loads, beyond the shared {@link LoadSettings}.
   *
   * @param stage the named stage to upload to, or null for the table's own stage
   * @param chunkBytes uncompressed CSV bytes per staged file
   * @param putParallelism threads the driver uploads with
   * @param localFolder where batch files are written before the upload
   * @param runId names this sink's files and staging table apart from any other run's
   * @param overwrittenThisRun tables already replaced by this run (shared by its sinks)
   */
  public record Options(
      LoadSettings load, String stage, long chunkBytes, int putParallelism, Path localFolder, String runId,
      Set<TableName> overwrittenThisRun, Retry retry) {}

  private final String stream;
  private final SnowflakeDialect dialect;
  private final SnowflakeSession session;
  private final Options options;
  private final LoadSettings load;
  private final SqlNames names;
  private final TableName table;
  private final TableName staging;
  private final List<String> keyProperties;
  private final List<String> keyColumns;
  private final LoadMethod loadMethod;
  private final List<Column> columns = new ArrayList<>();
  private final Path workFolder;
  private Map<String, ColumnType> tableColumns;

  private boolean started;
  private boolean fillsVersion;
  private StageFileWriter writer;
  private Path batchFolder;
  private int batchNumber;
  private long rowNumber;
  private boolean batchHasDeletes;

  /**
   * Creates or evolves the table at once.
   *
   * @param session a session for this sink alone; closed by {@link #close()}
   */
  public SnowflakeSink(SinkContext<?> context, SnowflakeDialect dialect, SnowflakeSession session, Options options) {
    this.stream = context.stream();
    this.dialect = dialect;
    this.session = session;
    this.options = options;
    this.load = options.load();
    this.names = new SqlNames(dialect.maxIdentifierLength());
    this.table = names.table(stream, load.defaultTargetSchema(), load.schemaMapping(), dialect.defaultSchema());
    this.staging = new TableName(table.schema(), "_tapline_stage_" + options.runId());

    ObjectNode properties = context.properties();
    List<String> propertyNames = new ArrayList<>();
    properties.fieldNames().forEachRemaining(propertyNames::add);
    Map<String, String> columnNames = names.columns(stream, propertyNames);
    for (String property : propertyNames) {
      JsonNode schema = properties.get(property);
      PropertyType type = PropertyType.of(schema);
      ColumnType columnType = ColumnType.of(type);
      if (type.kind() == PropertyType.Kind.NUMBER && "double".equals(schema.path("format").asText())) {
        columnType = SnowflakeDialect.DOUBLE;
      }
      if (type.union()) {
        LOG.warn("Stream '" + stream + "': property '" + property
            + "' has several types (or none) in its schema; it is stored as VARIANT");
      }
      columns.add(new Column(property, columnNames.get(property), dialect.columnType(columnType)));
    }
    this.keyProperties = List.copyOf(context.keyProperties());
    List<String> keys = new ArrayList<>();
    for (String key : keyProperties) {
      String column = columnNames.get(key);
      if (column == null) {
        session.close();
        throw new TaplineException("Stream '" + stream + "': key property '" + key
            + "' is not among the schema's properties " + propertyNames + ". Fix the tap's key_properties.");
      }
      keys.add(column);
    }
    this.keyColumns = List.copyOf(keys);
    LoadMethod method = load.loadMethod();
    if (method == null) {
      method = keyColumns.isEmpty() ? LoadMethod.APPEND_ONLY : LoadMethod.UPSERT;
    } else if (method == LoadMethod.UPSERT && keyColumns.isEmpty()) {
      LOG.warn("Stream '" + stream + "' has no key properties: its records are appended instead of merged");
      method = LoadMethod.APPEND_ONLY;
    }
    this.loadMethod = method;
    try {
      this.workFolder = Files.createDirectories(options.localFolder())
          .resolve(table.schema() + "." + table.table() + "." + options.runId());
      Files.createDirectories(workFolder);
      prepareTable();
    } catch (SQLException e) {
      session.close();
      throw new JdbcLoadException("Stream '" + stream + "': could not prepare table " + table, e);
    } catch (IOException e) {
      session.close();
      throw new UncheckedIOException("Stream '" + stream + "': cannot create the local staging folder under "
          + options.localFolder() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  /** The table this sink loads. */
  public TableName table() {
    return table;
  }

  /** The columns staged from each record, in file order. */
  public List<Column> columns() {
    return List.copyOf(columns);
  }

  private void prepareTable() throws SQLException {
    session.execute(dialect.createSchema(table.schema()));
    tableColumns = session.columns(table, dialect);
    if (tableColumns.isEmpty()) {
      session.execute(dialect.createTable(table, columns, loadMethod == LoadMethod.UPSERT ? keyColumns : List.of()));
      LOG.info("Table " + table + " is ready for stream '" + stream + "'");
      tableColumns = session.columns(table, dialect);
      if (tableColumns.isEmpty()) { // a dry run: the table is as just created
        tableColumns = new java.util.LinkedHashMap<>();
        for (Column column : columns) {
          tableColumns.put(column.name().toUpperCase(Locale.ROOT), column.type());
        }
      }
    } else {
      evolve();
    }
  }

  private ColumnType existing(String column) {
    return tableColumns.get(column.toUpperCase(Locale.ROOT));
  }

  private void evolve() throws SQLException {
    for (int i = 0; i < columns.size(); i++) {
      Column column = columns.get(i);
      ColumnType existing = existing(column.name());
      ColumnType wanted = column.type();
      switch (ColumnChange.of(stream, table, column, existing, load.schemaChangePolicy())) {
        case ADD -> {
          session.execute(dialect.addColumn(table, column));
          LOG.info("Stream '" + stream + "': added column " + column.name() + " " + wanted + " to " + table);
        }
        case KEEP -> columns.set(i, column.withType(existing));
        case WIDEN -> {
          for (String statement : dialect.widenColumn(table, column.name(), existing, wanted)) {
            session.execute(statement);
          }
          LOG.info("Stream '" + stream + "': widened column " + column.name() + " of " + table + " from "
              + existing + " to " + wanted);
        }
        case VERSION -> {
          String renamed = ColumnChange.versionedName(names, column.name());
          session.execute(dialect.renameColumn(table, column.name(), renamed));
          session.execute(dialect.addColumn(table, column));
          LOG.warn("Stream '" + stream + "': column " + column.name() + " of " + table + " changes from " + existing
              + " to " + wanted + ": the old column is kept as " + renamed + " and a new one was added");
        }
      }
    }
    tableColumns = session.columns(table, dialect);
  }

  @Override
  public void write(ObjectNode record, RecordMessage message) {
    if (writer == null) {
      begin(message);
    }
    for (int i = 0; i < keyProperties.size(); i++) {
      JsonNode key = record.get(keyProperties.get(i));
      if (key == null || key.isNull()) {
        throw new TaplineException("Stream '" + stream + "': a record has no value for key property '"
            + keyProperties.get(i) + "' (key properties " + keyProperties + "). Every record must carry its"
            + " key; fix the tap or remove the property from key_properties.");
      }
    }
    if (fillsVersion) {
      Long version = message.version();
      if (version == null) {
        record.putNull(TABLE_VERSION);
      } else {
        record.put(TABLE_VERSION, version.longValue());
      }
      JsonNode deleted = record.get(DELETED_AT);
      if (deleted != null && !deleted.isNull() && Timestamps.tryParse(deleted.asText()).isEmpty()) {
        record.put(DELETED_AT, Timestamps.format(Instant.now()));
      }
    }
    if (load.hardDelete() && !batchHasDeletes) {
      JsonNode deleted = record.get(DELETED_AT);
      batchHasDeletes = deleted != null && !deleted.isNull();
    }
    writer.write(record, ++rowNumber);
  }

  private void begin(RecordMessage first) {
    if (!started) {
      started = true;
      boolean declared = columns.stream().anyMatch(c -> c.name().equals(TABLE_VERSION));
      if (!declared && (first.version() != null || existing(TABLE_VERSION) != null)) {
        try {
          ensureVersionColumns();
        } catch (SQLException e) {
          throw new JdbcLoadException("Stream '" + stream + "': could not add version columns to " + table, e);
        }
        fillsVersion = true;
        columns.add(new Column(TABLE_VERSION, TABLE_VERSION, ColumnType.BIGINT));
        if (columns.stream().noneMatch(c -> c.name().equals(DELETED_AT))) {
          ColumnType type = existing(DELETED_AT) == null ? ColumnType.TIMESTAMP_TZ : existing(DELETED_AT);
          columns.add(new Column(DELETED_AT, DELETED_AT, type));
        }
      }
    }
    batchNumber++;
    batchFolder = workFolder.resolve(String.format("%06d", batchNumber));
    try {
      Files.createDirectories(batchFolder);
    } catch (IOException e) {
      throw new UncheckedIOException("Stream '" + stream + "': cannot create " + batchFolder + ": " + e.getMessage(), e);
    }
    List<String> typeNames = columns.stream().map(c -> dialect.typeName(c.type())).toList();
    writer = new StageFileWriter(stream, batchFolder, columns, typeNames, options.chunkBytes(),
        load.invalidDatePolicy(), dialect.rowNumberColumn());
  }

  private void ensureVersionColumns() throws SQLException {
    boolean changed = false;
    if (existing(TABLE_VERSION) == null) {
      session.execute(dialect.addColumn(table, new Column(TABLE_VERSION, TABLE_VERSION, ColumnType.BIGINT)));
      changed = true;
    }
    if (existing(DELETED_AT) == null) {
      session.execute(dialect.addColumn(table, new Column(DELETED_AT, DELETED_AT, ColumnType.TIMESTAMP_TZ)));
      changed = true;
    }
    if (changed) {
      Map<String, ColumnType> read = session.columns(table, dialect);
      tableColumns = read.isEmpty() ? withVersionColumns(tableColumns) : read;
    }
  }

  /** What the table has after the version columns were added, when the session cannot tell (dry run). */
  private static Map<String, ColumnType> withVersionColumns(Map<String, ColumnType> columns) {
    Map<String, ColumnType> added = new java.util.LinkedHashMap<>(columns);
    added.putIfAbsent(TABLE_VERSION.toUpperCase(Locale.ROOT), ColumnType.BIGINT);
    added.putIfAbsent(DELETED_AT.toUpperCase(Locale.ROOT), ColumnType.TIMESTAMP_TZ);
    return added;
  }

  /** The stage path of a batch: below the stage, unique to this run and batch. */
  private String stagePath() {
    return "tapline/" + table.schema() + "/" + table.table() + "/" + options.runId() + "/"
        + batchFolder.getFileName() + "/";
  }

  private String stageLocation(String path) {
    String stage = options.stage() == null
        ? "@" + dialect.quote(table.schema()) + ".%" + dialect.quote(table.table())
        : "@" + options.stage();
    return stage + "/" + path;
  }

  @Override
  public void commit() {
    if (writer == null) {
      return;
    }
    StageFileWriter finishing = writer;
    writer = null;
    List<Path> files = finishing.finish();
    long rows = rowNumber;
    String step = "upload";
    String path = stagePath();
    String location = stageLocation(path);
    try {
      writeManifest(files, rows);
      List<String> fileNames = files.stream().map(f -> f.getFileName().toString()).toList();
      options.retry().run("Upload of " + files.size() + " files for stream '" + stream + "'",
          () -> session.upload(batchFolder, dialect.put(batchFolder.toAbsolutePath().toString(), "part-*.csv.gz", location,
              options.putParallelism()), path));
      step = "copy";
      options.retry().run("Staging table for stream '" + stream + "'", () -> {
        for (String statement : dialect.createStagingTable(staging, columns)) {
          session.execute(statement);
        }
      });
      options.retry().run("COPY INTO the staging table of stream '" + stream + "'",
          () -> session.execute(dialect.copyInto(staging, columns, location, fileNames)));
      step = "merge";
      merge();
      step = "cleanup";
      for (String statement : dialect.dropStagingTable(staging)) {
        session.execute(statement);
      }
      options.retry().run("Removal of the staged files of stream '" + stream + "'",
          () -> session.execute(dialect.remove(location)));
      deleteFolder(batchFolder);
      if (finishing.replacedDates() > 0) {
        LOG.warn("Stream '" + stream + "': " + finishing.replacedDates()
            + " dates out of Snowflake's range were loaded as the " + load.invalidDatePolicy().name().toLowerCase(Locale.ROOT)
            + " value");
      }
      LOG.info("Stream '" + stream + "': loaded " + rows + " records into " + table + " (" + files.size() + " files)");
    } catch (SQLException e) {
      if (!step.equals("cleanup") && !Failures.isAuthentication(e)) {
        leaveNothingBehind(location);
      }
      throw new JdbcLoadException("Stream '" + stream + "': the " + step + " step of a batch of " + rows
          + " records for table " + table + " failed"
          + (Failures.isAuthentication(e) ? " (an authentication or permission failure, not retried)" : ""), e);
    } catch (IOException e) {
      throw new UncheckedIOException("Stream '" + stream + "': cannot write the batch manifest: " + e.getMessage(), e);
    } finally {
      rowNumber = 0;
      batchHasDeletes = false;
    }
  }

  /**
   * After a failed batch, drops its staging table and staged files as far as Snowflake still
   * answers; the failure itself is what gets reported.
   */
  private void leaveNothingBehind(String location) {
    try {
      for (String statement : dialect.dropStagingTable(staging)) {
        session.execute(statement);
      }
      session.execute(dialect.remove(location));
    } catch (SQLException | RuntimeException e) {
      LOG.debug("cleanup after a failed batch failed too: " + e.getMessage());
    }
  }

  private void merge() throws SQLException {
    List<String> statements = new ArrayList<>();
    boolean replace = loadMethod == LoadMethod.OVERWRITE && options.overwrittenThisRun().add(table);
    if (replace) {
      statements.addAll(dialect.replaceFromStaging(table, staging, columns));
    } else if (loadMethod == LoadMethod.UPSERT) {
      statements.addAll(dialect.upsertFromStaging(table, staging, columns, keyColumns));
    } else {
      statements.addAll(dialect.insertFromStaging(table, staging, columns));
    }
    boolean deletes = batchHasDeletes && existing(DELETED_AT) != null;
    if (replace) {
      // DDL commits by itself in Snowflake: the swap is the one atomic step
      for (String statement : statements) {
        session.execute(statement);
      }
      if (deletes) {
        session.execute(hardDelete());
      }
      return;
    }
    if (deletes) {
      statements.add(hardDelete());
    }
    if (statements.size() == 1) {
      session.execute(statements.get(0));
      return;
    }
    session.execute("BEGIN TRANSACTION");
    try {
      for (String statement : statements) {
        session.execute(statement);
      }
      session.execute("COMMIT");
    } catch (SQLException | RuntimeException e) {
      try {
        session.execute("ROLLBACK");
      } catch (SQLException | RuntimeException rollback) {
        LOG.debug("rollback failed: " + rollback.getMessage());
      }
      throw e;
    }
  }

  private String hardDelete() {
    return "DELETE FROM " + table.sql(dialect) + " WHERE " + dialect.quote(DELETED_AT) + " IS NOT NULL";
  }

  /** A description of the batch next to its files: what each column holds, for people and tests. */
  private void writeManifest(List<Path> files, long rows) throws IOException {
    ObjectNode manifest = Json.object();
    manifest.put("stream", stream);
    manifest.put("table", table.sql(dialect));
    manifest.put("rows", rows);
    ArrayNode columnList = manifest.putArray("columns");
    for (Column column : columns) {
      ObjectNode entry = columnList.addObject();
      entry.put("property", column.property());
      entry.put("column", column.name());
      entry.put("type", dialect.typeName(column.type()));
    }
    ArrayNode fileList = manifest.putArray("files");
    files.forEach(f -> fileList.add(f.getFileName().toString()));
    Files.writeString(batchFolder.resolve("manifest.json"), Json.write(manifest));
  }

  @Override
  public void activateVersion(long version) {
    try {
      if (existing(TABLE_VERSION) == null || existing(DELETED_AT) == null) {
        ensureVersionColumns();
      }
      String older = "(" + dialect.quote(TABLE_VERSION) + " IS NULL OR " + dialect.quote(TABLE_VERSION) + " < "
          + version + ")";
      if (load.hardDelete()) {
        session.execute("DELETE FROM " + table.sql(dialect) + " WHERE " + older);
      } else {
        session.execute("UPDATE " + table.sql(dialect) + " SET " + dialect.quote(DELETED_AT)
            + " = CURRENT_TIMESTAMP() WHERE " + dialect.quote(DELETED_AT) + " IS NULL AND " + older);
      }
      LOG.info("Stream '" + stream + "': version " + version + " activated in " + table);
    } catch (SQLException e) {
      throw new JdbcLoadException("Stream '" + stream + "': could not activate version " + version + " of table "
          + table, e);
    }
  }

  @Override
  public void abort() {
    if (writer != null) {
      writer.cancel();
      writer = null;
    }
  }

  @Override
  public void close() {
    abort();
    session.close();
    deleteFolder(workFolder);
  }

  private static void deleteFolder(Path folder) {
    if (folder == null || !Files.exists(folder)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      LOG.warn("Could not remove local stage files in " + folder + ": " + e.getMessage());
    }
  }
}
