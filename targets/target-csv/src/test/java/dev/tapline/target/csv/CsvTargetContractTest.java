package dev.tapline.target.csv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.target.StreamFileNames;
import dev.tapline.target.Target;
import dev.tapline.target.TargetContractTest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

class CsvTargetContractTest extends TargetContractTest {

  @Override
  protected Target<?> newTarget() {
    return new CsvTarget();
  }

  @Override
  protected ObjectNode destinationConfig(Path destination) {
    ObjectNode config = Json.object();
    config.put("destination_path", destination.toString());
    return config;
  }

  @Override
  protected List<ObjectNode> loadedRecords(Path destination, String stream) throws IOException {
    return CsvFiles.readStream(destination, StreamFileNames.of(stream), ',', '"');
  }

  /**
   * A CSV file has a column per schema property and cells of text; properties the schema does not
   * declare are left out, and an empty cell reads back as no value.
   */
  @Override
  protected ObjectNode expectedAsLoaded(ObjectNode record, ObjectNode schema) {
    ObjectNode cells = Json.object();
    for (Map.Entry<String, JsonNode> field : record.properties()) {
      if (!schema.path("properties").has(field.getKey())) {
        continue;
      }
      String text = CsvFiles.cellText(field.getValue());
      if (!text.isEmpty()) {
        cells.put(field.getKey(), text);
      }
    }
    return cells;
  }
}
