package dev.tapline.spec.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsBinderTest {

  enum LoadMethod { APPEND_ONLY, UPSERT, OVERWRITE }

  record FileSpec(String entity, Path path, @Setting(required = false) List<String> keys,
                  @Setting(defaultValue = ",") char delimiter) {}

  record Settings(
      @Setting(description = "API base URL") URI apiUrl,
      @Setting(description = "API token", secret = true) String token,
      @Setting(required = false) Instant startDate,
      @Setting(defaultValue = "100000") int batchSizeRows,
      @Setting(defaultValue = "append-only") LoadMethod loadMethod,
      @Setting(required = false) List<FileSpec> files,
      @Setting(required = false) Map<String, String> headers,
      Optional<BigDecimal> ratio,
      @Setting(defaultValue = "30") Duration timeout,
      @Setting(defaultValue = "true", aliases = "validate") boolean validateRecords) {}

  private final SettingsBinder<Settings> binder = SettingsBinder.of(Settings.class);

  @Test
  void bindsEveryKindOfSetting() {
    Settings settings = binder.bind(Json.parse("""
        {"api_url": "https://api.example.com", "token": "s3cr3t", "start_date": "2024-01-01T00:00:00Z",
         "load_method": "upsert", "files": [{"entity": "a", "path": "/tmp/a.csv", "keys": ["id"], "delimiter": ";"}],
         "headers": {"X-A": "1"}, "ratio": 0.25, "timeout": "PT1M", "validate": false}
        """));
    assertEquals(URI.create("https://api.example.com"), settings.apiUrl());
    assertEquals(Instant.parse("2024-01-01T00:00:00Z"), settings.startDate());
    assertEquals(100000, settings.batchSizeRows());
    assertEquals(LoadMethod.UPSERT, settings.loadMethod());
    assertEquals(';', settings.files().get(0).delimiter());
    assertEquals(List.of("id"), settings.files().get(0).keys());
    assertEquals("1", settings.headers().get("X-A"));
    assertEquals(new BigDecimal("0.25"), settings.ratio().orElseThrow());
    assertEquals(Duration.ofMinutes(1), settings.timeout());
    assertFalse(settings.validateRecords());
  }

  @Test
  void defaultsAndOptionalValues() {
    Settings settings = binder.bind(Json.parse("{\"api_url\": \"https://x\", \"token\": \"t\"}"));
    assertNull(settings.startDate());
    assertEquals(LoadMethod.APPEND_ONLY, settings.loadMethod());
    assertEquals(Optional.empty(), settings.ratio());
    assertTrue(settings.validateRecords());
    assertEquals(Duration.ofSeconds(30), settings.timeout());
  }

  @Test
  void reportsEveryProblemAtOnceWithoutSecrets() {
    var error = assertThrows(ConfigurationException.class, () -> binder.bind(Json.parse("""
        {"token": ["not-a-string-secret-value"], "batch_size_row": 5, "load_method": "merge",
         "batch_size_rows": "many", "files": [{"entity": "a"}]}
        """)));
    String message = error.getMessage();
    assertTrue(message.contains("missing required setting 'api_url' (API base URL)"), message);
    assertTrue(message.contains("unknown setting 'batch_size_row' (did you mean 'batch_size_rows'?)"), message);
    assertTrue(message.contains("'load_method' must be one of append-only, upsert, overwrite"), message);
    assertTrue(message.contains("'batch_size_rows' must be a whole number"), message);
    assertTrue(message.contains("missing required setting 'files[0].path'"), message);
    assertTrue(message.contains("'token' must be a string, not (secret value)"), message);
    assertFalse(message.contains("not-a-string-secret-value"), message);
    assertEquals(6, error.problems().size(), message);
  }

  @Test
  void otherKeysAreNotUnknown() {
    binder.bind(Json.parse("{\"api_url\": \"https://x\", \"token\": \"t\", \"batch_size_bytes\": 1}"), List.of("batch_size_bytes"));
  }

  @Test
  void redactsSecrets() {
    var config = Json.parse("{\"api_url\": \"https://x\", \"token\": \"s3cr3t\"}");
    assertEquals("********", binder.redact(config).get("token").asText());
    assertEquals(List.of("s3cr3t"), binder.secretValues(config));
    String schema = binder.jsonSchema().toString();
    assertTrue(schema.contains("\"secret\":true"), schema);
    assertTrue(schema.contains("\"enum\":[\"append-only\",\"upsert\",\"overwrite\"]"), schema);
  }

  @Test
  void environmentAndFilesMerge(@TempDir Path folder) throws Exception {
    Path first = folder.resolve("a.json");
    Path second = folder.resolve("b.json");
    Files.writeString(first, "{\"api_url\": \"https://first\", \"token\": \"t\", \"batch_size_rows\": 5}");
    Files.writeString(second, "{\"api_url\": \"https://second\"}");
    var merged = ConfigFiles.merge(List.of(first.toString(), second.toString(), "ENV"), binder, "tap-x",
        Map.of("TAP_X_BATCH_SIZE_ROWS", "7", "TAP_X_VALIDATE_RECORDS", "false", "OTHER", "1"));
    Settings settings = binder.bind(merged);
    assertEquals(URI.create("https://second"), settings.apiUrl());
    assertEquals(7, settings.batchSizeRows());
    assertFalse(settings.validateRecords());
  }

  @Test
  void missingAndMalformedFilesAreExplained(@TempDir Path folder) throws Exception {
    Path bad = folder.resolve("bad.json");
    Files.writeString(bad, "{\"api_url\": ");
    var malformed = assertThrows(ConfigurationException.class,
        () -> ConfigFiles.merge(List.of(bad.toString()), binder, "x", Map.of()));
    assertTrue(malformed.getMessage().contains("bad.json is not valid JSON (line 1"), malformed.getMessage());
    var missing = assertThrows(ConfigurationException.class,
        () -> ConfigFiles.merge(List.of(folder.resolve("none.json").toString()), binder, "x", Map.of()));
    assertTrue(missing.getMessage().contains("none.json does not exist"), missing.getMessage());
  }

  @Test
  void snakeCase() {
    assertEquals("start_date", SettingsBinder.snakeCase("startDate"));
    assertEquals("api_url", SettingsBinder.snakeCase("apiURL"));
    assertEquals("batch_size_rows", SettingsBinder.snakeCase("batchSizeRows"));
  }

  @Test
  void defaultsReadAsTheJsonTheyAreElseAsText() {
    for (String json : List.of("100000", "-7", "0", "67108864", "9223372036854775807", "99999999999999999999",
        "1.5", "-0.25", "1e3", "true", "false", "null", "{\"a\":[1,2]}", "[1]", "\"quoted\"")) {
      assertEquals(Json.parse(json), SettingsBinder.defaultNode(json), json);
    }
    for (String text : List.of("tapline.duckdb", "48MB", "1.5x", "01", "-", "fail", "{not json", "True", "2024-01-01")) {
      assertEquals(Json.NODES.textNode(text), SettingsBinder.defaultNode(text), text);
    }
  }
}
