package dev.tapline.target.jsonl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.target.StreamFileNames;
import dev.tapline.target.Target;
import dev.tapline.target.TargetContractTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

class JsonlTargetContractTest extends TargetContractTest {

  @Override
  protected Target<?> newTarget() {
    return new JsonlTarget();
  }

  @Override
  protected ObjectNode destinationConfig(Path destination) {
    ObjectNode config = Json.object();
    config.put("destination_path", destination.toString());
    return config;
  }

  @Override
  protected List<ObjectNode> loadedRecords(Path destination, String stream) throws IOException {
    return read(destination, stream, false);
  }

  @Override
  protected List<ObjectNode> loadedRecordsAfterKill(Path destination, String stream) throws IOException {
    return read(destination, stream, true);
  }

  /** Reads a stream's file; after a kill, a last line without its line end was never committed. */
  static List<ObjectNode> read(Path destination, String stream, boolean skipPartialLastLine) throws IOException {
    Path file = destination.resolve(StreamFileNames.of(stream) + ".jsonl");
    List<ObjectNode> records = new ArrayList<>();
    if (!Files.exists(file)) {
      return records;
    }
    String text = Files.readString(file);
    if (skipPartialLastLine && !text.isEmpty() && !text.endsWith("\n")) {
      text = text.substring(0, text.lastIndexOf('\n') + 1);
    }
    for (String line : text.split("\n")) {
      if (!line.isEmpty()) {
        records.add((ObjectNode) Json.parse(line));
      }
    }
    return records;
  }
}
