package dev.tapline.tap.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.tap.contract.TapRun;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTapTest {

  @TempDir Path directory;

  private Path resource(String name) throws IOException {
    Path file = directory.resolve(name);
    try (InputStream in = getClass().getResourceAsStream("/" + name)) {
      Files.copy(in, file);
    }
    return file;
  }

  private Path config(String filesJson, String extra) throws IOException {
    Path file = directory.resolve("config.json");
    Files.writeString(file, "{\"files\": " + filesJson + (extra.isEmpty() ? "" : ", " + extra) + "}");
    return file;
  }

  private static String entity(String name, Path path, String more) {
    return "{\"entity\": \"" + name + "\", \"path\": \"" + path.toString().replace("\\", "\\\\") + "\""
        + (more.isEmpty() ? "" : ", " + more) + "}";
  }

  private static JsonNode property(TapRun run, String stream, String property) {
    return run.schemas(stream).get(0).path("schema").path("properties").path(property);
  }

  @Test
  void birdstrikesAreReadWithSanitisedNamesAndInferredTypes() throws IOException {
    Path file = resource("vega-birdstrikes.csv");
    TapRun run = TapRun.run(new CsvTap(), "--config", config("[" + entity("birdstrikes", file, "") + "]", "").toString());
    assertEquals(0, run.exitCode(), run.describe());
    List<ObjectNode> records = run.records("birdstrikes");
    assertEquals(10000, records.size(), "rows counted by Python's csv module");
    assertEquals("BARKSDALE AIR FORCE BASE ARPT", records.get(0).get("airport_name").asText());
    assertEquals(300, records.get(0).get("speed_ias_in_knots").intValue());
    assertTrue(records.get(0).get("cost_total").isIntegralNumber());
    assertEquals("Cost Total $", property(run, "birdstrikes", "cost_total").path("title").asText());
    assertEquals("date", property(run, "birdstrikes", "flight_date").path("format").asText());
    assertEquals("integer", property(run, "birdstrikes", "cost_total").path("type").get(0).asText());
  }

  @Test
  void keysMayNameTheHeaderOrThePropertyName() throws IOException {
    Path file = resource("vega-birdstrikes.csv");
    TapRun run = TapRun.run(new CsvTap(), "--config", config("[" + entity("birdstrikes", file,
        "\"keys\": [\"Airport Name\", \"flight_date\"]") + "]", "").toString(), "--discover");
    assertEquals(0, run.exitCode(), run.describe());
    assertEquals("[\"airport_name\",\"flight_date\"]",
        Json.parse(run.stdout()).path("streams").get(0).path("key_properties").toString());
  }

  @Test
  void seattleWeatherIsReadIncrementallyAsTheFileGrows() throws IOException {
    List<String> lines = Files.readAllLines(resource("vega-seattle-weather-hourly-normals.csv"));
    Path file = directory.resolve("weather.csv");
    Files.write(file, lines.subList(0, 5001));
    Path config = config("[" + entity("weather", file, "\"keys\": [\"date\"], \"replication_key\": \"date\"") + "]", "");
    TapRun first = TapRun.run(new CsvTap(), "--config", config.toString());
    assertEquals(0, first.exitCode(), first.describe());
    assertEquals(5000, first.records("weather").size());
    String lastDate = lines.get(5000).split(",")[0];
    assertEquals(lastDate, first.lastState().path("bookmarks").path("weather").path("replication_key_value").asText());
    assertEquals("date-time", property(first, "weather", "date").path("format").asText());

    Files.write(file, lines);
    Path state = directory.resolve("state.json");
    Files.writeString(state, Json.write(first.lastState()));
    TapRun second = TapRun.run(new CsvTap(), "--config", config.toString(), "--state", state.toString());
    assertEquals(0, second.exitCode(), second.describe());
    List<ObjectNode> records = second.records("weather");
    assertEquals(8759 - 5000 + 1, records.size());
    assertEquals(lastDate, records.get(0).get("date").asText(), "the bookmarked row is read again");
    assertEquals("2010-12-31T23:00:00",
        second.lastState().path("bookmarks").path("weather").path("replication_key_value").asText());
  }

  @Test
  void decimalsKeepTheirDigitsAndScale() throws IOException {
    Path file = directory.resolve("prices.csv");
    Files.writeString(file, "sku,price\na,1.10\nb,-0.005\nc,12\nd,\n");
    TapRun run = TapRun.run(new CsvTap(), "--config", config("[" + entity("prices", file, "") + "]", "").toString());
    assertEquals(0, run.exitCode(), run.describe());
    assertTrue(run.stdout().contains("\"price\":1.10}"), run.stdout());
    assertTrue(run.stdout().contains("\"price\":-0.005}"), run.stdout());
    assertTrue(run.stdout().contains("\"price\":null}"), run.stdout());
    JsonNode decimal = property(run, "prices", "price").path("x-singer.decimal");
    assertEquals(3, decimal.path("scale").intValue());
    assertEquals(21, decimal.path("precision").intValue());
  }

  @Test
  void aValueThatContradictsTheInferredTypeStopsTheRunNamingWhere() throws IOException {
    Path file = directory.resolve("counts.csv");
    Files.writeString(file, "name,count\na,1\nb,2\nc,many\n");
    TapRun run = TapRun.run(new CsvTap(), "--config",
        config("[" + entity("counts", file, "") + "]", "\"infer_sample_rows\": 2").toString());
    assertEquals(1, run.exitCode(), run.describe());
    String error = run.stderr().lines().filter(line -> line.startsWith("ERROR")).findFirst().orElseThrow();
    assertTrue(error.contains(file + " line 4"), error);
    assertTrue(error.contains("'count'") && error.contains("'many'") && error.contains("an integer"), error);
    assertTrue(error.contains("infer_sample_rows"), error);
  }

  @Test
  void aDeclaredSchemaWinsOverInference() throws IOException {
    Path file = directory.resolve("codes.csv");
    Files.writeString(file, "code,label\n007,x\n042,y\n");
    TapRun run = TapRun.run(new CsvTap(), "--config", config("[" + entity("codes", file,
        "\"schema\": {\"properties\": {\"code\": {\"type\": \"string\"}}}") + "]", "").toString());
    assertEquals(0, run.exitCode(), run.describe());
    assertEquals("007", run.records("codes").get(0).get("code").textValue());
  }

  @Test
  void gzipFilesAreUnpacked() throws IOException {
    Path file = directory.resolve("data.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write("id,flag\n1,true\n2,FALSE\n".getBytes(StandardCharsets.UTF_8));
    }
    TapRun run = TapRun.run(new CsvTap(), "--config", config("[" + entity("data", file, "") + "]", "").toString());
    assertEquals(0, run.exitCode(), run.describe());
    assertEquals(2, run.records("data").size());
    assertFalse(run.records("data").get(1).get("flag").booleanValue());
  }

  @Test
  void aDirectoryOrAGlobReadsEveryMatchingFileInOrder() throws IOException {
    Path folder = Files.createDirectories(directory.resolve("parts"));
    Files.writeString(folder.resolve("part-2.csv"), "id\n3\n4\n");
    Files.writeString(folder.resolve("part-1.csv"), "id\n1\n2\n");
    Files.writeString(folder.resolve("notes.txt"), "not a csv\n");
    TapRun byDirectory = TapRun.run(new CsvTap(), "--config",
        config("[" + entity("parts", folder, "") + "]", "\"add_metadata_columns\": true").toString());
    assertEquals(0, byDirectory.exitCode(), byDirectory.describe());
    List<ObjectNode> records = byDirectory.records("parts");
    assertEquals(List.of(1, 2, 3, 4), records.stream().map(r -> r.get("id").intValue()).toList());
    assertTrue(records.get(2).get(CsvStream.SOURCE_FILE).asText().endsWith("part-2.csv"));
    assertEquals(2, records.get(2).get(CsvStream.SOURCE_LINE).intValue());

    TapRun byGlob = TapRun.run(new CsvTap(), "--config",
        config("[" + entity("parts", folder.resolve("part-*.csv"), "") + "]", "").toString());
    assertEquals(4, byGlob.records("parts").size(), byGlob.describe());
  }

  @Test
  void filesOfOneEntityMustShareTheirHeader() throws IOException {
    Path folder = Files.createDirectories(directory.resolve("mixed"));
    Files.writeString(folder.resolve("a.csv"), "id\n1\n");
    Files.writeString(folder.resolve("b.csv"), "key\n2\n");
    TapRun run = TapRun.run(new CsvTap(), "--config", config("[" + entity("mixed", folder, "") + "]", "").toString());
    assertEquals(1, run.exitCode(), run.describe());
    assertTrue(run.stderr().contains("b.csv") && run.stderr().contains("header"), run.stderr());
  }

  @Test
  void theEncodingSettingIsHonouredAndAWrongOneNamed() throws IOException {
    Path file = directory.resolve("cities.csv");
    Files.write(file, "city,country\nZürich,CH\n".getBytes(StandardCharsets.ISO_8859_1));
    TapRun latin = TapRun.run(new CsvTap(), "--config",
        config("[" + entity("cities", file, "\"encoding\": \"latin1\"") + "]", "").toString());
    assertEquals(0, latin.exitCode(), latin.describe());
    assertEquals("Zürich", latin.records("cities").get(0).get("city").textValue());

    TapRun utf8 = TapRun.run(new CsvTap(), "--config", config("[" + entity("cities", file, "") + "]", "").toString());
    assertEquals(2, utf8.exitCode(), utf8.describe());
    assertTrue(utf8.stderr().contains(file.toString()) && utf8.stderr().contains("encoding"), utf8.stderr());
  }

  @Test
  void quotedFieldsWithLineBreaksStayOneValue() throws IOException {
    Path file = directory.resolve("notes.csv");
    Files.writeString(file, "id,note\r\n1,\"first line\r\nsecond, line\"\r\n2,plain\r\n");
    TapRun run = TapRun.run(new CsvTap(), "--config", config("[" + entity("notes", file, "") + "]", "").toString());
    assertEquals(0, run.exitCode(), run.describe());
    assertEquals("first line\r\nsecond, line", run.records("notes").get(0).get("note").textValue());
    assertEquals("plain", run.records("notes").get(1).get("note").textValue());
  }

  @Test
  void aMissingFileIsAConfigurationErrorNamingThePath() throws IOException {
    Path missing = directory.resolve("nowhere.csv");
    TapRun run = TapRun.run(new CsvTap(), "--config", config("[" + entity("gone", missing, "") + "]", "").toString());
    assertEquals(2, run.exitCode(), run.describe());
    assertTrue(run.stderr().contains(missing.toAbsolutePath().toString()), run.stderr());
    assertTrue(run.stdout().isEmpty());
  }

  @Test
  void entityAndPathAreRequiredAndReportedTogether() throws IOException {
    TapRun run = TapRun.run(new CsvTap(), "--config", config("[{\"keys\": [\"id\"]}]", "\"infer_sample_rows\": \"x\"").toString());
    assertEquals(2, run.exitCode(), run.describe());
    assertTrue(run.stderr().contains("'files[0].entity'"), run.stderr());
    assertTrue(run.stderr().contains("'files[0].path'"), run.stderr());
    assertTrue(run.stderr().contains("'infer_sample_rows'"), run.stderr());
  }

  @Test
  void anUnknownKeyColumnIsNamedWithTheColumnsThereAre() throws IOException {
    Path file = directory.resolve("k.csv");
    Files.writeString(file, "a,b\n1,2\n");
    TapRun run = TapRun.run(new CsvTap(), "--config", config("[" + entity("k", file, "\"keys\": [\"c\"]") + "]", "").toString());
    assertEquals(2, run.exitCode(), run.describe());
    assertTrue(run.stderr().contains("'c'") && run.stderr().contains("[a, b]"), run.stderr());
  }

  @Test
  void theFilesListMayComeFromACsvFilesDefinitionFile() throws IOException {
    Path file = directory.resolve("x.csv");
    Files.writeString(file, "a\n1\n");
    Path definition = directory.resolve("files.json");
    Files.writeString(definition, "[" + entity("x", file, "") + "]");
    Path config = directory.resolve("c.json");
    Files.writeString(config, "{\"csv_files_definition\": \"" + definition.toString().replace("\\", "\\\\") + "\"}");
    TapRun run = TapRun.run(new CsvTap(), "--config", config.toString());
    assertEquals(0, run.exitCode(), run.describe());
    assertEquals(1, run.records("x").size());
  }

  @Test
  void problemsOfSeveralEntitiesAreReportedTogether() throws IOException {
    Path first = directory.resolve("first.csv");
    Path second = directory.resolve("second*.csv");
    TapRun run = TapRun.run(new CsvTap(), "--config",
        config("[" + entity("a", first, "") + ", " + entity("b", second, "") + "]", "").toString());
    assertEquals(2, run.exitCode(), run.describe());
    assertTrue(run.stderr().contains("'a'") && run.stderr().contains("'b'"), run.stderr());
  }

  @Test
  void anEmptyKeyCellAfterTheSampleIsNamed() throws IOException {
    Path file = directory.resolve("keys.csv");
    Files.writeString(file, "id,name\n1,a\n,b\n");
    TapRun run = TapRun.run(new CsvTap(), "--config",
        config("[" + entity("keys", file, "\"keys\": [\"id\"]") + "]", "\"infer_sample_rows\": 1").toString());
    assertEquals(1, run.exitCode(), run.describe());
    assertTrue(run.stderr().contains("line 3, column 'id'") && run.stderr().contains("key"), run.stderr());
  }

  @Test
  void valuesStayIntactAcrossManyReadChunks() throws IOException {
    StringBuilder text = new StringBuilder("id,code,note\n");
    for (int i = 1; i <= 20_000; i++) {
      text.append(i).append(",code-").append(i).append(",\"note ").append(i).append(" \"\"q\"\"\"\n");
    }
    Path file = directory.resolve("many.csv");
    Files.writeString(file, text);
    TapRun run = TapRun.run(new CsvTap(), "--config", config("[" + entity("many", file, "") + "]", "").toString());
    assertEquals(0, run.exitCode(), run.describe());
    List<ObjectNode> records = run.records("many");
    assertEquals(20_000, records.size());
    for (int i = 0; i < records.size(); i++) {
      ObjectNode record = records.get(i);
      assertEquals(i + 1, record.get("id").intValue());
      assertEquals("code-" + (i + 1), record.get("code").textValue());
      assertEquals("note " + (i + 1) + " \"q\"", record.get("note").textValue());
    }
  }
}
