package dev.tapline.target.snowflake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.schema.PropertyType;
import dev.tapline.target.Target;
import dev.tapline.target.TargetContractTest;
import dev.tapline.target.jdbc.SqlNames;
import dev.tapline.target.jdbc.TableName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The SDK's target contract in dry-run mode: what Snowflake would load is read back from the
 * staged files (through an independent CSV parser) and must be every record sent, value for
 * value, with states echoed only after their batches were staged.
 */
class SnowflakeDryRunContractTest extends TargetContractTest {

  private static final String SCHEMA = "tapline";
  private static final SqlNames NAMES = new SqlNames(255);

  @Override
  protected Target<?> newTarget() {
    return new SnowflakeTarget();
  }

  @Override
  protected ObjectNode destinationConfig(Path destination) {
    ObjectNode config = Json.object();
    config.put("account", "example-account");
    config.put("user", "loader");
    config.put("database", "analytics");
    config.put("default_target_schema", SCHEMA);
    config.put("dry_run_path", destination.toString());
    config.put("local_staging_path", destination.resolveSibling(destination.getFileName() + "-local").toString());
    return config;
  }

  @Override
  protected List<ObjectNode> loadedRecords(Path destination, String stream) throws IOException {
    TableName table = NAMES.table(stream, SCHEMA, Map.of(), "public");
    Path tableFolder = destination.resolve("stage").resolve("tapline").resolve(table.schema()).resolve(table.table());
    List<ObjectNode> records = new ArrayList<>();
    if (!Files.isDirectory(tableFolder)) {
      return records;
    }
    for (Path run : sorted(tableFolder)) {
      for (Path batch : sorted(run)) {
        JsonNode manifest = Json.parse(Files.readString(batch.resolve("manifest.json")));
        for (JsonNode file : manifest.get("files")) {
          for (List<String> row : StagedFiles.read(batch.resolve(file.asText())).rows()) {
            records.add(decode(manifest.get("columns"), row));
          }
        }
      }
    }
    return records;
  }

  private static List<Path> sorted(Path folder) throws IOException {
    try (Stream<Path> children = Files.list(folder)) {
      return children.filter(Files::isDirectory).sorted().toList();
    }
  }

  /** A staged row as the JSON Snowflake would give back for its columns. */
  private static ObjectNode decode(JsonNode columns, List<String> row) {
    ObjectNode record = Json.object();
    for (int i = 0; i < columns.size(); i++) {
      String cell = row.get(i + 1);
      String property = columns.get(i).get("property").asText();
      if (cell == null || property.equals(SnowflakeSink.TABLE_VERSION) || property.equals(SnowflakeSink.DELETED_AT)) {
        continue;
      }
      String type = columns.get(i).get("type").asText();
      if (type.startsWith("NUMBER") || type.equals("FLOAT") || type.equals("VARIANT")) {
        record.set(property, Json.parse(cell));
      } else if (type.equals("BOOLEAN")) {
        record.set(property, BooleanNode.valueOf(Boolean.parseBoolean(cell)));
      } else {
        record.set(property, TextNode.valueOf(cell));
      }
    }
    return record;
  }

  /** What a table gives back: the schema's properties that have a value, text in text columns. */
  @Override
  protected ObjectNode expectedAsLoaded(ObjectNode record, ObjectNode schema) {
    JsonNode properties = schema.get("properties");
    Iterator<Map.Entry<String, JsonNode>> fields = record.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode propertySchema = properties.get(field.getKey());
      if (propertySchema == null || field.getValue().isNull() || field.getKey().equals(SnowflakeSink.TABLE_VERSION)
          || field.getKey().equals(SnowflakeSink.DELETED_AT)) {
        fields.remove();
        continue;
      }
      PropertyType type = PropertyType.of(propertySchema);
      JsonNode value = field.getValue();
      switch (type.kind()) {
        case STRING, DATE, TIME, DATE_TIME -> {
          if (!value.isTextual()) {
            field.setValue(TextNode.valueOf(value.isContainerNode() ? Json.write(value) : value.asText()));
          }
        }
        default -> { }
      }
    }
    return record;
  }
}
