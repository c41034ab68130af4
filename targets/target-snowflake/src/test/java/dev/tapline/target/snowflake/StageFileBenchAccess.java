package dev.tapline.target.snowflake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.schema.PropertyType;
import dev.tapline.target.SinkContext;
import dev.tapline.target.jdbc.Column;
import dev.tapline.target.jdbc.ColumnType;
import dev.tapline.target.jdbc.InvalidDatePolicy;
import dev.tapline.target.jdbc.SqlNames;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Opens a {@link StageFileWriter} for a stream's schema, for the benchmark in another package. */
public final class StageFileBenchAccess {

  private final StageFileWriter writer;

  private StageFileBenchAccess(StageFileWriter writer) {
    this.writer = writer;
  }

  public static StageFileBenchAccess open(SinkContext<?> context, Path folder, long chunkBytes) {
    SnowflakeDialect dialect = new SnowflakeDialect(9);
    ObjectNode properties = context.properties();
    List<String> names = new ArrayList<>();
    properties.fieldNames().forEachRemaining(names::add);
    Map<String, String> columnNames = new SqlNames(255).columns(context.stream(), names);
    List<Column> columns = new ArrayList<>();
    for (String property : names) {
      JsonNode schema = properties.get(property);
      columns.add(new Column(property, columnNames.get(property),
          dialect.columnType(ColumnType.of(PropertyType.of(schema)))));
    }
    List<String> types = columns.stream().map(c -> dialect.typeName(c.type())).toList();
    return new StageFileBenchAccess(new StageFileWriter(context.stream(), folder, columns, types, chunkBytes,
        InvalidDatePolicy.ERROR, dialect.rowNumberColumn()));
  }

  public void write(ObjectNode record, long rowNumber) {
    writer.write(record, rowNumber);
  }

  /** Ends the batch; returns how many files it wrote. */
  public int finish() {
    return writer.finish().size();
  }
}
