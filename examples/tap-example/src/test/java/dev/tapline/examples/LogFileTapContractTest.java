package dev.tapline.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.tap.Tap;
import dev.tapline.tap.contract.TapContractTest;
import dev.tapline.tap.contract.TapRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogFileTapContractTest extends TapContractTest {

  @Override
  protected Tap<?> newTap() {
    return new LogFileTap();
  }

  @Override
  protected ObjectNode config(Path directory) throws IOException {
    Path log = directory.resolve("app.log");
    Files.writeString(log, """
        2024-05-01T08:00:00Z INFO started
        2024-05-01T08:00:05Z WARN disk at 91%
        a stack trace line that does not match
        2024-05-01T08:01:00Z ERROR request 42 failed
        2024-05-01T08:01:00Z INFO retried
        """);
    ObjectNode config = Json.object();
    config.put("path", log.toString());
    return config;
  }

  @Test
  void matchingLinesBecomeRecordsWithTheirLineNumber() throws IOException {
    Path config = workDirectory.resolve("c.json");
    Files.writeString(config, Json.write(config(workDirectory)));
    TapRun run = TapRun.run(newTap(), "--config", config.toString());
    assertEquals(0, run.exitCode(), run.describe());
    List<ObjectNode> records = run.records("lines");
    assertEquals(List.of(1L, 2L, 4L, 5L), records.stream().map(r -> r.get("line").longValue()).toList());
    assertEquals("disk at 91%", records.get(1).get("message").asText());
    assertEquals("2024-05-01T08:01:00Z",
        run.lastState().path("bookmarks").path("lines").path("replication_key_value").asText());
  }

  @Test
  void aPatternWithoutTimestampIsABadConfig() throws IOException {
    ObjectNode settings = config(workDirectory).put("pattern", "^(?<level>[A-Z]+) .*$");
    Path config = workDirectory.resolve("c.json");
    Files.writeString(config, Json.write(settings));
    TapRun run = TapRun.run(newTap(), "--config", config.toString());
    assertEquals(2, run.exitCode(), run.describe());
    assertTrue(run.stderr().contains("timestamp"), run.stderr());
  }
}
