package dev.tapline.target.jsonl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.target.TargetHarness;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlTargetTest {

  @TempDir Path folder;

  private TargetHarness.Result run(String input, ObjectNode config) {
    return TargetHarness.run(new JsonlTarget(), input.getBytes(StandardCharsets.UTF_8), Map.of(),
        "--config", TargetHarness.writeConfig(folder, config).toString());
  }

  private static ObjectNode config(Path destination) {
    ObjectNode config = Json.object();
    config.put("destination_path", destination.toString());
    return config;
  }

  private static String schema(String stream) {
    return "{\"type\":\"SCHEMA\",\"stream\":\"" + stream.replace("\"", "\\\"") + "\",\"schema\":{\"type\":\"object\","
        + "\"properties\":{\"id\":{\"type\":\"integer\"},\"amount\":{\"type\":[\"null\",\"number\"]}}},"
        + "\"key_properties\":[\"id\"]}\n";
  }

  private static String record(String stream, String record) {
    return "{\"type\":\"RECORD\",\"stream\":\"" + stream.replace("\"", "\\\"") + "\",\"record\":" + record + "}\n";
  }

  @Test
  void createsTheFolderAndAppendsAcrossRuns() throws IOException {
    Path destination = folder.resolve("deep/er/output");
    String input = schema("orders") + record("orders", "{\"id\":1}") + record("orders", "{\"id\":2}");
    assertEquals(0, run(input, config(destination)).exitCode());
    assertEquals(0, run(input, config(destination)).exitCode());

    assertEquals(List.of("{\"id\":1}", "{\"id\":2}", "{\"id\":1}", "{\"id\":2}"),
        Files.readAllLines(destination.resolve("orders.jsonl")));
  }

  @Test
  void writesNumbersExactlyAsReceived() throws IOException {
    String input = schema("orders")
        + record("orders", "{\"id\":12345678901234567890123,\"amount\":1.50,\"small\":-4.8,\"tiny\":0.000000100,\"nested\":{\"x\":[1.0,2]}}");
    TargetHarness.Result result = run(input, config(folder));
    assertEquals(0, result.exitCode(), result.stderr());
    assertEquals("{\"id\":12345678901234567890123,\"amount\":1.50,\"small\":-4.8,\"tiny\":0.000000100,\"nested\":{\"x\":[1.0,2]}}\n",
        Files.readString(folder.resolve("orders.jsonl")));
  }

  @Test
  void gzipAppendsAMemberPerCommitAndStaysReadable() throws IOException {
    ObjectNode config = config(folder);
    config.put("compression", "gzip");
    config.put("batch_size_rows", 2);
    StringBuilder input = new StringBuilder(schema("orders"));
    for (int id = 1; id <= 5; id++) {
      input.append(record("orders", "{\"id\":" + id + "}"));
    }
    assertEquals(0, run(input.toString(), config).exitCode());
    assertEquals(0, run(input.toString(), config).exitCode());

    assertFalse(Files.exists(folder.resolve("orders.jsonl")));
    try (InputStream in = new GZIPInputStream(Files.newInputStream(folder.resolve("orders.jsonl.gz")))) {
      List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      assertEquals(10, lines.size());
      assertEquals("{\"id\":5}", lines.get(4));
      assertEquals("{\"id\":1}", lines.get(5));
    }
  }

  @Test
  void cutsOffAGzipMemberLeftIncompleteByAKilledRun() throws IOException {
    ObjectNode config = config(folder);
    config.put("compression", "gzip");
    assertEquals(0, run(schema("orders") + record("orders", "{\"id\":1}"), config).exitCode());
    Path file = folder.resolve("orders.jsonl.gz");
    byte[] complete = Files.readAllBytes(file);
    byte[] torn = java.util.Arrays.copyOf(complete, complete.length + complete.length / 2);
    System.arraycopy(complete, 0, torn, complete.length, complete.length / 2);
    Files.write(file, torn);

    TargetHarness.Result result = run(schema("orders") + record("orders", "{\"id\":2}"), config);
    assertEquals(0, result.exitCode(), result.stderr());
    assertTrue(result.stderr().contains("not a complete gzip member"), result.stderr());
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      assertEquals("{\"id\":1}\n{\"id\":2}\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void keepsStreamNamesInsideTheDestination() throws IOException {
    Path destination = folder.resolve("out");
    String input = schema("../etc/passwd") + record("../etc/passwd", "{\"id\":1}")
        + schema("public.my table") + record("public.my table", "{\"id\":2}");
    TargetHarness.Result result = run(input, config(destination));
    assertEquals(0, result.exitCode(), result.stderr());

    try (Stream<Path> files = Files.list(destination)) {
      assertEquals(List.of("_.._etc_passwd.jsonl", "public.my_table.jsonl"),
          files.map(file -> file.getFileName().toString()).sorted().toList());
    }
    try (Stream<Path> files = Files.list(folder)) {
      assertEquals(List.of("out"), files.map(file -> file.getFileName().toString())
          .filter(name -> !name.startsWith("config")).toList());
    }
  }

  @Test
  void refusesTwoStreamsThatWouldShareAFile() {
    String input = schema("a b") + record("a b", "{\"id\":1}") + schema("a_b") + record("a_b", "{\"id\":2}");
    TargetHarness.Result result = run(input, config(folder));
    assertEquals(2, result.exitCode());
    assertTrue(result.stderr().contains("ERROR Streams 'a b' and 'a_b' would both be written to"), result.stderr());
  }

  @Test
  void cutsOffAPartialLastLineLeftByAKilledRun() throws IOException {
    Files.writeString(folder.resolve("orders.jsonl"), "{\"id\":1}\n{\"id\":2,\"amo");
    TargetHarness.Result result = run(schema("orders") + record("orders", "{\"id\":3}"), config(folder));
    assertEquals(0, result.exitCode(), result.stderr());
    assertEquals("{\"id\":1}\n{\"id\":3}\n", Files.readString(folder.resolve("orders.jsonl")));
    assertTrue(result.stderr().contains("ended in a partial line"), result.stderr());
  }

  @Test
  void addsRecordMetadataWhenAsked() throws IOException {
    ObjectNode config = config(folder);
    config.put("add_record_metadata", true);
    String input = schema("orders")
        + "{\"type\":\"RECORD\",\"stream\":\"orders\",\"record\":{\"id\":1},\"time_extracted\":\"2024-01-31T12:00:00.5+01:00\"}\n";
    assertEquals(0, run(input, config).exitCode());
    JsonNode line = Json.parse(Files.readAllLines(folder.resolve("orders.jsonl")).get(0));
    assertEquals(1, line.get("id").asInt());
    assertEquals("2024-01-31T11:00:00.500Z", line.get("_sdc_extracted_at").asText());
    assertTrue(line.has("_sdc_received_at") && line.has("_sdc_batched_at") && line.has("_sdc_sequence"));
  }

  @Test
  void anUnwritableDestinationFailsWithExitCode1() throws IOException {
    Path blocker = folder.resolve("not-a-folder");
    Files.writeString(blocker, "a file");
    TargetHarness.Result result = run(schema("orders") + record("orders", "{\"id\":1}"), config(blocker));
    assertEquals(1, result.exitCode());
    assertTrue(result.stderr().startsWith("ERROR Cannot open " + blocker.resolve("orders.jsonl")), result.stderr());
  }
}
