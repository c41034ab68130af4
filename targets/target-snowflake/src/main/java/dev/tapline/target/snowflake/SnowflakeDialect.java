package dev.tapline.target.snowflake;

import dev.tapline.target.jdbc.Column;
import dev.tapline.target.jdbc.ColumnType;
import dev.tapline.target.jdbc.GenericSqlDialect;
import dev.tapline.target.jdbc.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Snowflake's SQL: names upper case and always quoted, exact {@code NUMBER} types (never {@code
 * FLOAT} unless a schema says {@code format: double}), {@code TIMESTAMP_TZ} for instants, {@code
 * VARIANT} for JSON, batches staged as files and moved with {@code COPY INTO} and one {@code MERGE}.
 */
public final class SnowflakeDialect extends GenericSqlDialect {

  /**
   * A {@code FLOAT} column, asked for by {@code "format": "double"}. {@link ColumnType} has no
   * floating-point kind, so it travels as {@link ColumnType.Kind#OTHER} with 53 bits of precision.
   */
  public static final ColumnType DOUBLE = new ColumnType(ColumnType.Kind.OTHER, 53, null);

  /** Snowflake's largest precision. */
  public static final int MAX_PRECISION = 38;

  private final int defaultNumberScale;

  /** @param defaultNumberScale the scale of number columns whose schema gives none */
  public SnowflakeDialect(int defaultNumberScale) {
    this.defaultNumberScale = defaultNumberScale;
  }

  @Override
  public String quote(String identifier) {
    return '"' + identifier.toUpperCase(Locale.ROOT).replace("\"", "\"\"") + '"';
  }

  @Override
  public int maxIdentifierLength() {
    return 255;
  }

  @Override
  public String defaultSchema() {
    return "public";
  }

  /**
   * The exact column type Tapline creates for a wanted type: every number gets a precision and a
   * scale, because Snowflake's bare {@code NUMBER} is {@code NUMBER(38,0)}.
   */
  @Override
  public ColumnType columnType(ColumnType wanted) {
    if (wanted.kind() != ColumnType.Kind.NUMERIC) {
      return wanted;
    }
    int scale = wanted.scale() == null ? defaultNumberScale : Math.min(wanted.scale(), MAX_PRECISION);
    if (wanted.precision() == null) {
      return ColumnType.numeric(MAX_PRECISION, scale);
    }
    int precision = Math.min(Math.max(wanted.precision(), scale), MAX_PRECISION);
    return ColumnType.numeric(precision, scale);
  }

  @Override
  public ColumnType wideInteger() {
    return ColumnType.BIGINT;
  }

  @Override
  public String typeName(ColumnType type) {
    switch (type.kind()) {
      case BIGINT:
        return "NUMBER(38,0)";
      case NUMERIC: {
        ColumnType exact = columnType(type);
        return "NUMBER(" + exact.precision() + "," + exact.scale() + ")";
      }
      case BOOLEAN:
        return "BOOLEAN";
      case DATE:
        return "DATE";
      case TIME:
        return "TIME(9)";
      case TIMESTAMP_TZ:
        return "TIMESTAMP_TZ(9)";
      case JSON:
        return "VARIANT";
      case OTHER:
        return DOUBLE.equals(type) ? "FLOAT" : "VARCHAR";
      default:
        return "VARCHAR";
    }
  }

  /** Reads a type back from Snowflake's {@code information_schema.columns}. */
  public ColumnType parseType(String dataType, Integer precision, Integer scale) {
    switch (dataType.toUpperCase(Locale.ROOT)) {
      case "NUMBER":
      case "DECIMAL":
      case "NUMERIC":
        if (scale != null && scale == 0 && (precision == null || precision == MAX_PRECISION)) {
          return ColumnType.BIGINT;
        }
        return ColumnType.numeric(precision, scale);
      case "TEXT":
      case "VARCHAR":
      case "STRING":
        return ColumnType.TEXT;
      case "BOOLEAN":
        return ColumnType.BOOLEAN;
      case "DATE":
        return ColumnType.DATE;
      case "TIME":
        return ColumnType.TIME;
      case "TIMESTAMP_TZ":
        return ColumnType.TIMESTAMP_TZ;
      case "VARIANT":
      case "OBJECT":
      case "ARRAY":
        return ColumnType.JSON;
      case "FLOAT":
      case "DOUBLE":
      case "REAL":
        return DOUBLE;
      default:
        return ColumnType.OTHER;
    }
  }

  @Override
  public String createTable(TableName table, List<Column> columns, List<String> keyColumns) {
    StringBuilder sql = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(table.sql(this)).append(" (");
    for (int i = 0; i < columns.size(); i++) {
      Column column = columns.get(i);
      sql.append(i == 0 ? "" : ", ").append(quote(column.name())).append(' ').append(typeName(column.type()));
    }
    if (!keyColumns.isEmpty()) {
      // informational in Snowflake (not enforced), but it tells readers and tools the key
      sql.append(", PRIMARY KEY (").append(keyColumns.stream().map(this::quote).collect(Collectors.joining(", ")))
          .append(')');
    }
    return sql.append(')').toString();
  }

  @Override
  public String addColumn(TableName table, Column column) {
    return "ALTER TABLE " + table.sql(this) + " ADD COLUMN " + quote(column.name()) + " " + typeName(column.type());
  }

  @Override
  public String alterColumnType(TableName table, String column, ColumnType type) {
    return "ALTER TABLE " + table.sql(this) + " ALTER COLUMN " + quote(column) + " SET DATA TYPE " + typeName(type);
  }

  /**
   * The statements that widen a column. Snowflake changes a {@code NUMBER}'s precision in place
   * but not its scale; any other widening goes through a new column: add, copy, drop, rename (each
   * statement commits on its own in Snowflake, so the copy is made before the old column goes).
   */
  public List<String> widenColumn(TableName table, String column, ColumnType from, ColumnType to) {
    boolean sameScale = from.kind() == ColumnType.Kind.NUMERIC && to.kind() == ColumnType.Kind.NUMERIC
        && from.scale() != null && from.scale().equals(to.scale());
    if (sameScale) {
      return List.of(alterColumnType(table, column, to));
    }
    String temporary = column + "__tapline_widen";
    List<String> statements = new ArrayList<>();
    statements.add(addColumn(table, new Column(temporary, temporary, to)));
    statements.add("UPDATE " + table.sql(this) + " SET " + quote(temporary) + " = " + quote(column));
    statements.add("ALTER TABLE " + table.sql(this) + " DROP COLUMN " + quote(column));
    statements.add(renameColumn(table, temporary, column));
    return statements;
  }

  /** The type a value is staged in: JSON travels as text and is parsed when merged. */
  @Override
  protected String stagingTypeName(ColumnType type) {
    return type.kind() == ColumnType.Kind.JSON ? "VARCHAR" : typeName(type);
  }

  @Override
  protected String stagedValue(Column column, String qualifier) {
    String value = qualifier + quote(column.name());
    return column.type().kind() == ColumnType.Kind.JSON ? "PARSE_JSON(" + value + ")" : value;
  }

  /** A transient table (no fail-safe storage) holding one batch, in the final table's schema. */
  @Override
  public List<String> createStagingTable(TableName staging, List<Column> columns) {
    StringBuilder sql = new StringBuilder("CREATE OR REPLACE TRANSIENT TABLE ").append(staging.sql(this)).append(" (");
    sql.append(quote(rowNumberColumn())).append(" NUMBER(38,0)");
    for (Column column : columns) {
      sql.append(", ").append(quote(column.name())).append(' ').append(stagingTypeName(column.type()));
    }
    sql.append(") DATA_RETENTION_TIME_IN_DAYS = 0");
    return List.of(sql.toString());
  }

  @Override
  public List<String> dropStagingTable(TableName staging) {
    return List.of("DROP TABLE IF EXISTS " + staging.sql(this));
  }

  /** The file format of the staged CSV files, as {@code StageFileWriter} writes them. */
  public static String csvFileFormat() {
    return "TYPE = CSV COMPRESSION = GZIP FIELD_DELIMITER = ',' RECORD_DELIMITER = '\\n' SKIP_HEADER = 1"
        + " FIELD_OPTIONALLY_ENCLOSED_BY = '\"' ESCAPE = NONE ESCAPE_UNENCLOSED_FIELD = NONE NULL_IF = ()"
        + " EMPTY_FIELD_AS_NULL = TRUE ERROR_ON_COLUMN_COUNT_MISMATCH = TRUE ENCODING = 'UTF8'"
        + " TIMESTAMP_FORMAT = 'AUTO' DATE_FORMAT = 'AUTO' TIME_FORMAT = 'AUTO'";
  }

  /**
   * Copies named files of a stage into the staging table. The explicit file list makes a retry
   * load nothing twice and never picks up a stranger's file under the same path.
   */
  public String copyInto(TableName staging, List<Column> columns, String stageLocation, List<String> files) {
    StringBuilder sql = new StringBuilder("COPY INTO ").append(staging.sql(this)).append(" (")
        .append(quote(rowNumberColumn()));
    for (Column column : columns) {
      sql.append(", ").append(quote(column.name()));
    }
    sql.append(") FROM ").append(stageLocation).append(" FILES = (");
    for (int i = 0; i < files.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(literal(files.get(i)));
    }
    return sql.append(") FILE_FORMAT = (").append(csvFileFormat()).append(") ON_ERROR = ABORT_STATEMENT PURGE = FALSE")
        .toString();
  }

  /**
   * Uploads every file of a local folder matching {@code pattern} to a stage path; files are
   * gzip-compressed already.
   */
  public String put(String localFolder, String pattern, String stageLocation, int parallelism) {
    String path = localFolder.replace('\\', '/');
    if (!path.startsWith("/")) {
      path = "/" + path;
    }
    return "PUT " + literal("file://" + path + "/" + pattern) + " " + stageLocation + " PARALLEL = " + parallelism
        + " AUTO_COMPRESS = FALSE SOURCE_COMPRESSION = GZIP OVERWRITE = TRUE";
  }

  /** Removes the files under a stage path. */
  public String remove(String stageLocation) {
    return "REMOVE " + stageLocation;
  }

  @Override
  public List<String> insertFromStaging(TableName table, TableName staging, List<Column> columns) {
    return List.of("INSERT INTO " + table.sql(this) + " (" + columnList(columns, "") + ") SELECT "
        + stagedValues(columns, "") + " FROM " + staging.sql(this) + " ORDER BY " + quote(rowNumberColumn()));
  }

  /** One {@code MERGE}: the last row of each key in the batch updates or inserts. */
  @Override
  public List<String> upsertFromStaging(
      TableName table, TableName staging, List<Column> columns, List<String> keyColumns) {
    String batch = quote("_tapline_batch");
    String target = quote("_tapline_target");
    String keys = keyColumns.stream().map(this::quote).collect(Collectors.joining(", "));
    StringBuilder sql = new StringBuilder("MERGE INTO ").append(table.sql(this)).append(" AS ").append(target)
        .append(" USING (SELECT ");
    for (int i = 0; i < columns.size(); i++) {
      Column column = columns.get(i);
      sql.append(i == 0 ? "" : ", ").append(stagedValue(column, "")).append(" AS ").append(quote(column.name()));
    }
    sql.append(" FROM ").append(staging.sql(this)).append(" QUALIFY ROW_NUMBER() OVER (PARTITION BY ").append(keys)
        .append(" ORDER BY ").append(quote(rowNumberColumn())).append(" DESC) = 1) AS ").append(batch).append(" ON ");
    sql.append(keyColumns.stream().map(k -> target + "." + quote(k) + " = " + batch + "." + quote(k))
        .collect(Collectors.joining(" AND ")));
    List<Column> updated = columns.stream().filter(c -> !keyColumns.contains(c.name())).toList();
    if (!updated.isEmpty()) {
      sql.append(" WHEN MATCHED THEN UPDATE SET ").append(updated.stream()
          .map(c -> target + "." + quote(c.name()) + " = " + batch + "." + quote(c.name()))
          .collect(Collectors.joining(", ")));
    }
    sql.append(" WHEN NOT MATCHED THEN INSERT (").append(columnList(columns, "")).append(") VALUES (")
        .append(columnList(columns, batch + ".")).append(')');
    return List.of(sql.toString());
  }

  /**
   * Replaces the table's content with the batch in one step: a copy of the table's definition is
   * filled and swapped in, so readers see the old rows until the new ones are all there.
   */
  public List<String> replaceFromStaging(TableName table, TableName staging, List<Column> columns) {
    TableName swap = new TableName(table.schema(), staging.table() + "_swap");
    List<String> statements = new ArrayList<>();
    statements.add("CREATE OR REPLACE TABLE " + swap.sql(this) + " LIKE " + table.sql(this));
    statements.addAll(insertFromStaging(swap, staging, columns));
    statements.add("ALTER TABLE " + table.sql(this) + " SWAP WITH " + swap.sql(this));
    statements.add("DROP TABLE IF EXISTS " + swap.sql(this));
    return statements;
  }

  @Override
  public String deleteAll(TableName table) {
    return "DELETE FROM " + table.sql(this);
  }

  /** A SQL string literal. */
  public static String literal(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
