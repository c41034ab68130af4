package dev.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tapline.spec.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tapline export}, {@code select} and {@code infer-schema}. */
class ToolsCommandTest {

  @TempDir Path folder;

  private final Cli cli = new Cli();

  private static final String CATALOG = """
      {"streams": [
        {"tap_stream_id": "charges", "stream": "charges", "key_properties": ["id"],
         "schema": {"type": "object", "properties": {"id": {"type": "string"}, "amount": {"type": "integer"}, "card": {"type": "string"}}},
         "metadata": [{"breadcrumb": [], "metadata": {"table-key-properties": ["id"]}},
                      {"breadcrumb": ["properties", "id"], "metadata": {"inclusion": "automatic"}}]},
        {"tap_stream_id": "customers", "stream": "customers", "key_properties": ["id"],
         "schema": {"type": "object", "properties": {"id": {"type": "string"}, "email": {"type": "string"}, "name": {"type": "string"}}},
         "metadata": [{"breadcrumb": ["properties", "id"], "metadata": {"inclusion": "automatic"}}]},
        {"tap_stream_id": "events", "stream": "events", "key_properties": [],
         "schema": {"type": "object", "properties": {"id": {"type": "string"}}}, "metadata": []}]}
      """;

  private Path project(String state) throws IOException {
    Scripts.write(folder, "tap-shop", "case \"$*\" in *--discover*) cat <<'CATALOG'\n" + CATALOG + "\nCATALOG\n;; esac\n");
    return Files.writeString(folder.resolve("tapline.yml"), """
        taps:
          shop:
            executable: ./tap-shop
            select: ["charges.*", "customers.*", "!customers.email", "!charges.card"]
            metadata:
              charges: {replication-method: INCREMENTAL, replication-key: created}
              "customers.name": {sql-datatype: text}
        targets:
          jsonl: {executable: target-jsonl}
        pipelines:
          shop-hourly: {tap: shop, target: jsonl, schedule: "15 * * * *"}
          shop_nightly: {tap: shop, target: jsonl, schedule: "0 2 * * 1-5"}
          by-hand: {tap: shop, target: jsonl}
        """ + state, StandardCharsets.UTF_8);
  }

  @Test
  void kubernetesManifestsParseAsYamlWithTheScheduleAndCommand() throws IOException {
    Path project = project("state: {backend: postgres, url: \"jdbc:postgresql://db:5432/tapline\", user: tapline, password: \"${PGPASSWORD}\"}\n");

    Cli.Result result = cli.execute("export", "kubernetes", "--project", project.toString(), "--image", "registry.example/tapline:1.2");

    assertEquals(0, result.exitCode(), result::toString);
    List<JsonNode> documents;
    try (MappingIterator<JsonNode> iterator = new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class).readValues(result.out())) {
      documents = iterator.readAll().stream().filter(node -> node != null && !node.isNull() && !node.isEmpty()).toList();
    }
    assertEquals(2, documents.size(), "only scheduled pipelines: " + result.out());
    JsonNode hourly = documents.get(0);
    assertEquals("CronJob", hourly.path("kind").asText());
    assertEquals("batch/v1", hourly.path("apiVersion").asText());
    assertEquals("tapline-shop-hourly", hourly.path("metadata").path("name").asText());
    assertEquals("15 * * * *", hourly.path("spec").path("schedule").asText());
    assertEquals("Forbid", hourly.path("spec").path("concurrencyPolicy").asText());
    JsonNode container = hourly.path("spec").path("jobTemplate").path("spec").path("template").path("spec").path("containers").get(0);
    assertEquals("registry.example/tapline:1.2", container.path("image").asText());
    assertEquals(Json.parse("[\"tapline\"]"), container.path("command"));
    assertEquals(Json.parse("[\"run\", \"shop-hourly\", \"--project\", \"/project/tapline.yml\"]"), container.path("args"));
    assertEquals("tapline-shop-nightly", documents.get(1).path("metadata").path("name").asText());
    assertEquals("0 2 * * 1-5", documents.get(1).path("spec").path("schedule").asText());
    assertTrue(!result.err().contains("WARN"), "a shared backend raises no warning: " + result);
  }

  @Test
  void theAirflowFileCompilesAsPythonAndAFileBackendIsWarnedAbout() throws Exception {
    Path project = project("");
    Path dag = folder.resolve("tapline_dags.py");

    Cli.Result result = cli.execute("export", "airflow", "--project", project.toString(), "--output", dag.toString());

    assertEquals(0, result.exitCode(), result::toString);
    assertTrue(result.err().contains("WARN  The project keeps state in a folder"), result::toString);
    String text = Files.readString(dag);
    assertTrue(text.contains("schedule=\"15 * * * *\""), text);
    assertTrue(text.contains("dag_id=\"tapline_shop_nightly\""), text);
    Process compile = new ProcessBuilder("python3", "-m", "py_compile", dag.toString()).redirectErrorStream(true).start();
    String output = new String(compile.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(compile.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, compile.exitValue(), output + "\n" + text);
  }

  @Test
  void cronLinesRunEachScheduledPipeline() throws IOException {
    Path project = project("");

    Cli.Result result = cli.execute("export", "cron", "--project", project.toString(), "--log-folder", "/var/log/tapline");

    assertEquals(0, result.exitCode(), result::toString);
    List<String> lines = result.out().lines().filter(line -> !line.startsWith("#")).toList();
    assertEquals(2, lines.size(), result::toString);
    assertEquals("15 * * * * cd " + folder + " && tapline run shop-hourly --project " + project
        + " >> /var/log/tapline/shop-hourly.log 2>&1", lines.get(0));
  }

  @Test
  void selectListShowsEveryStreamAndPropertyWithItsSelection() throws IOException {
    Path project = project("");

    Cli.Result result = cli.execute("select", "shop", "--list", "--project", project.toString());

    assertEquals(0, result.exitCode(), result::toString);
    List<String> lines = result.out().lines().map(line -> line.replaceAll("\\s+", " ").strip()).toList();
    assertTrue(lines.contains("charges yes selected"), result::toString);
    assertTrue(lines.contains("charges.id yes automatic"), result::toString);
    assertTrue(lines.contains("charges.amount yes selected"), result::toString);
    assertTrue(lines.contains("charges.card no excluded"), result::toString);
    assertTrue(lines.contains("customers.email no excluded"), result::toString);
    assertTrue(lines.contains("customers.name yes selected"), result::toString);
    assertTrue(lines.contains("events no not selected"), result::toString);
    assertTrue(lines.contains("events.id no stream not selected"), result::toString);

    Cli.Result catalog = cli.execute("select", "shop-hourly", "--catalog", "--project", project.toString());
    JsonNode charges = Json.parse(catalog.out()).path("streams").get(0);
    assertTrue(charges.toString().contains("\"replication-key\":\"created\""), charges::toString);
    JsonNode customers = Json.parse(catalog.out()).path("streams").get(1);
    assertTrue(customers.toString().contains("{\"breadcrumb\":[\"properties\",\"name\"],\"metadata\":{\"sql-datatype\":\"text\",\"selected\":true}}"),
        customers::toString);
  }

  @Test
  void inferSchemaFindsTypesNullsFormatsAndNesting() throws IOException {
    String input = String.join("\n",
        "{\"id\": 1, \"name\": \"Ada\", \"score\": 1.5, \"joined\": \"2024-01-02\", \"seen\": \"2024-01-02T03:04:05Z\", \"tags\": [\"a\"], \"address\": {\"city\": \"Paris\"}}",
        "{\"id\": 2, \"name\": null, \"score\": 2, \"joined\": \"2024-02-03\", \"seen\": \"2024-02-03T00:00:00+01:00\", \"tags\": [], \"address\": {\"city\": \"Oslo\", \"zip\": \"0150\"}, \"vip\": true}",
        "{\"type\": \"RECORD\", \"stream\": \"people\", \"record\": {\"id\": 3, \"score\": 3.25, \"joined\": \"2024-03-04\", \"seen\": \"2024-03-04T00:00:00Z\"}}");

    Cli.Result result = cli.standardInput(input).execute("infer-schema", "--stream", "people", "--key", "id");

    assertEquals(0, result.exitCode(), result::toString);
    JsonNode message = Json.parse(result.out().strip());
    assertEquals("SCHEMA", message.path("type").asText());
    assertEquals(Json.parse("[\"id\"]"), message.path("key_properties"));
    JsonNode properties = message.path("schema").path("properties");
    assertEquals(Json.parse("{\"type\": \"integer\"}"), properties.path("id"));
    assertEquals(Json.parse("{\"type\": [\"string\", \"null\"]}"), properties.path("name"));
    assertEquals(Json.parse("{\"type\": \"number\"}"), properties.path("score"));
    assertEquals(Json.parse("{\"type\": \"string\", \"format\": \"date\"}"), properties.path("joined"));
    assertEquals(Json.parse("{\"type\": \"string\", \"format\": \"date-time\"}"), properties.path("seen"));
    assertEquals(Json.parse("{\"type\": [\"array\", \"null\"], \"items\": {\"type\": \"string\"}}"), properties.path("tags"));
    assertEquals(Json.parse("{\"type\": [\"boolean\", \"null\"]}"), properties.path("vip"));
    assertEquals(Json.parse("{\"type\": [\"object\", \"null\"], \"properties\": {\"city\": {\"type\": \"string\"},"
        + " \"zip\": {\"type\": [\"string\", \"null\"]}}}"), properties.path("address"));
  }
}
