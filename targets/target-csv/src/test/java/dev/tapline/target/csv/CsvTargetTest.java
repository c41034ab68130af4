package dev.tapline.target.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.target.TargetHarness;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTargetTest {

  private static final String SCHEMA = "{\"type\":\"SCHEMA\",\"stream\":\"orders\",\"schema\":{\"type\":\"object\","
      + "\"properties\":{\"id\":{\"type\":\"integer\"},\"note\":{\"type\":[\"null\",\"string\"]},"
      + "\"amount\":{\"type\":[\"null\",\"number\"]},\"paid\":{\"type\":[\"null\",\"boolean\"]},"
      + "\"details\":{\"type\":[\"null\",\"object\"]},\"tags\":{\"type\":[\"null\",\"array\"]}}},"
      + "\"key_properties\":[\"id\"]}\n";

  @TempDir Path folder;

  private TargetHarness.Result run(String input, ObjectNode config) {
    return TargetHarness.run(new CsvTarget(), input.getBytes(StandardCharsets.UTF_8), Map.of(),
        "--config", TargetHarness.writeConfig(folder, config).toString());
  }

  private static ObjectNode config(Path destination) {
    ObjectNode config = Json.object();
    config.put("destination_path", destination.toString());
    return config;
  }

  private static String record(String record) {
    return "{\"type\":\"RECORD\",\"stream\":\"orders\",\"record\":" + record + "}\n";
  }

  @Test
  void writesAHeaderInSchemaOrderAndCellsAsText() throws IOException {
    Path destination = folder.resolve("new/folder");
    String input = SCHEMA
        + record("{\"amount\":1.50,\"id\":1,\"note\":\"plain\",\"paid\":true,\"details\":{\"a\":1.0},\"tags\":[\"x\",\"y\"]}")
        + record("{\"id\":2,\"note\":\"comma, \\\"quote\\\" and\\nline\",\"amount\":null}")
        + record("{\"id\":12345678901234567890,\"note\":\"\",\"amount\":0.000000100,\"paid\":false}");
    TargetHarness.Result result = run(input, config(destination));
    assertEquals(0, result.exitCode(), result.stderr());

    assertEquals("id,note,amount,paid,details,tags\n"
            + "1,plain,1.50,true,\"{\"\"a\"\":1.0}\",\"[\"\"x\"\",\"\"y\"\"]\"\n"
            + "2,\"comma, \"\"quote\"\" and\nline\",,,,\n"
            + "12345678901234567890,,0.000000100,false,,\n",
        Files.readString(destination.resolve("orders.csv")));
  }

  @Test
  void usesTheDelimiterAndQuoteCharacterSet() throws IOException {
    ObjectNode config = config(folder);
    config.put("delimiter", ";");
    config.put("quotechar", "'");
    TargetHarness.Result result = run(SCHEMA + record("{\"id\":1,\"note\":\"it's; here\",\"amount\":2.5}"), config);
    assertEquals(0, result.exitCode(), result.stderr());

    assertEquals("id;note;amount;paid;details;tags\n1;'it''s; here';2.5;;;\n",
        Files.readString(folder.resolve("orders.csv")));
    List<ObjectNode> rows = CsvFiles.read(folder.resolve("orders.csv"), ';', '\'');
    assertEquals("it's; here", rows.get(0).get("note").asText());
  }

  @Test
  void refusesTheSameDelimiterAndQuoteCharacter() {
    ObjectNode config = config(folder);
    config.put("delimiter", "'");
    config.put("quotechar", "'");
    TargetHarness.Result result = run(SCHEMA + record("{\"id\":1}"), config);
    assertEquals(2, result.exitCode());
    assertTrue(result.stderr().contains("delimiter and quotechar must differ"), result.stderr());
  }

  @Test
  void appendsAcrossRunsWithOneHeader() throws IOException {
    assertEquals(0, run(SCHEMA + record("{\"id\":1}"), config(folder)).exitCode());
    assertEquals(0, run(SCHEMA + record("{\"id\":2}"), config(folder)).exitCode());

    assertEquals(List.of("id,note,amount,paid,details,tags", "1,,,,,", "2,,,,,"),
        Files.readAllLines(folder.resolve("orders.csv")));
  }

  @Test
  void cutsOffAPartialRowLeftByAKilledRunEvenInsideAQuotedLineEnd() throws IOException {
    assertEquals(0, run(SCHEMA + record("{\"id\":1,\"note\":\"two\\nlines\"}"), config(folder)).exitCode());
    Path file = folder.resolve("orders.csv");
    Files.writeString(file, Files.readString(file) + "2,\"a cell cut\nin the middle");

    TargetHarness.Result result = run(SCHEMA + record("{\"id\":3}"), config(folder));
    assertEquals(0, result.exitCode(), result.stderr());
    assertTrue(result.stderr().contains("ended in a partial row"), result.stderr());
    assertEquals("id,note,amount,paid,details,tags\n1,\"two\nlines\",,,,\n3,,,,,\n", Files.readString(file));
  }

  @Test
  void startsANewFileWhenTheColumnsChange() throws IOException {
    assertEquals(0, run(SCHEMA + record("{\"id\":1}"), config(folder)).exitCode());
    String narrower = "{\"type\":\"SCHEMA\",\"stream\":\"orders\",\"schema\":{\"type\":\"object\",\"properties\":"
        + "{\"id\":{\"type\":\"integer\"},\"email\":{\"type\":\"string\"}}},\"key_properties\":[\"id\"]}\n";
    TargetHarness.Result result = run(narrower + record("{\"id\":2,\"email\":\"a@example.com\"}"), config(folder));
    assertEquals(0, result.exitCode(), result.stderr());
    assertTrue(result.stderr().contains("has other columns than stream's current schema"), result.stderr());

    assertEquals(List.of("id,note,amount,paid,details,tags", "1,,,,,"), Files.readAllLines(folder.resolve("orders.csv")));
    try (Stream<Path> files = Files.list(folder)) {
      Path newer = files.filter(file -> file.getFileName().toString().matches("orders-\\d{8}T\\d{6}Z\\.csv"))
          .findFirst().orElseThrow();
      assertEquals(List.of("id,email", "2,a@example.com"), Files.readAllLines(newer));
    }
  }
}
