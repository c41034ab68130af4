package dev.tapline.tap.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Catalog;
import dev.tapline.spec.CatalogEntry;
import dev.tapline.spec.Json;
import dev.tapline.spec.Metadata;
import dev.tapline.spec.config.SettingsBinder;
import dev.tapline.tap.contract.TapRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery, full-table and incremental reads of the Pagila sample database. */
class PagilaTest {

  private static TestServer server;

  @TempDir Path directory;

  @BeforeAll
  static void load() throws Exception {
    server = TestServer.start();
    server.createDatabase("pagila", true);
    // Pagila's staff have no pictures: give one a few bytes of PNG header.
    server.execute("pagila", "UPDATE staff SET picture = '\\x89504e470d0a1a0a00ff'::bytea WHERE staff_id = 2");
    // Pagila declares the domain but no column uses it: a table outside public does.
    server.execute("pagila", "CREATE SCHEMA probe",
        "CREATE TABLE probe.\"tåble\" (id public.\"bıgınt\" PRIMARY KEY, code varchar(12),"
            + " price numeric(12,2), ratio double precision, took interval, token uuid, doc jsonb,"
            + " grid integer[][], at_noon time, stamp timestamp)",
        "INSERT INTO probe.\"tåble\" VALUES (9007199254740993, 'x\"y', 12.50, 0.1,"
            + " interval '1 day 2 hours', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',"
            + " '{\"a\": [1, 2.50, null]}', '{{1,2},{3,NULL}}', '12:00:01', '2024-02-29 23:59:59.5')");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private Path configFile(ObjectNode config) throws IOException {
    Path file = directory.resolve("config-" + System.nanoTime() + ".json");
    Files.writeString(file, Json.write(config));
    return file;
  }

  private Map<String, CatalogEntry> catalog() {
    return catalog("public");
  }

  private Map<String, CatalogEntry> catalog(String schemas) {
    ObjectNode config = server.config("pagila");
    config.put("filter_schemas", schemas);
    PostgresSettings settings = SettingsBinder.of(PostgresSettings.class).bind(config, List.of());
    return new PostgresTap().catalog(settings).stream()
        .collect(Collectors.toMap(CatalogEntry::stream, entry -> entry));
  }

  private static JsonNode property(CatalogEntry entry, String name) {
    return entry.schema().path("properties").path(name);
  }

  private static String sqlType(CatalogEntry entry, String column) {
    return entry.metadata().get(Metadata.property(column), Metadata.SQL_DATATYPE).asText();
  }

  @Test
  void discoveryFindsEveryTableAndViewWithThePartitionedPaymentAsOneStream() {
    Map<String, CatalogEntry> catalog = catalog();
    Set<String> tables = new TreeSet<>();
    Set<String> views = new TreeSet<>();
    catalog.forEach((name, entry) ->
        (entry.metadata().stream(Metadata.IS_VIEW).asBoolean() ? views : tables).add(name));
    assertEquals(new TreeSet<>(List.of("public-actor", "public-address", "public-category",
        "public-city", "public-country", "public-customer", "public-film", "public-film_actor",
        "public-film_category", "public-inventory", "public-language", "public-payment",
        "public-rental", "public-staff", "public-store")), tables);
    assertEquals(new TreeSet<>(List.of("public-actor_info", "public-customer_list", "public-film_list",
        "public-nicer_but_slower_film_list", "public-rental_by_category", "public-sales_by_film_category",
        "public-sales_by_store", "public-staff_list")), views);
    CatalogEntry payment = catalog.get("public-payment");
    assertEquals("public", payment.metadata().streamText(Metadata.SCHEMA_NAME));
    assertEquals(Set.of("payment_date", "payment_id"), Set.copyOf(payment.keyProperties()));
    long paymentRows = Long.parseLong(assertOne("SELECT count(*) FROM payment"));
    long estimate = payment.metadata().stream(Metadata.ROW_COUNT).asLong();
    assertTrue(Math.abs(estimate - paymentRows) < paymentRows / 10,
        "row-count estimate " + estimate + " is far from " + paymentRows);
    assertEquals(List.of("actor_id"), catalog.get("public-actor").keyProperties());
    assertTrue(catalog.get("public-actor").metadata().stream(Metadata.VALID_REPLICATION_KEYS)
        .toString().contains("last_update"));
  }

  @Test
  void discoverWritesTheDatabaseMetadataOfEveryStream() throws Exception {
    ObjectNode config = server.config("pagila");
    config.put("filter_schemas", "public,probe");
    TapRun run = TapRun.run(new PostgresTap(), "--config", configFile(config).toString(), "--discover");
    assertEquals(0, run.exitCode(), run.describe());
    Map<String, CatalogEntry> catalog = Catalog.fromJson(Json.parse(run.stdout())).streams().stream()
        .collect(Collectors.toMap(CatalogEntry::stream, entry -> entry));

    CatalogEntry payment = catalog.get("public-payment");
    assertEquals("public", payment.metadata().streamText(Metadata.SCHEMA_NAME));
    assertFalse(payment.metadata().stream(Metadata.IS_VIEW).asBoolean());
    assertTrue(payment.metadata().stream(Metadata.ROW_COUNT).asLong() > 10_000,
        payment.metadata().toJson().toString());
    assertEquals("numeric(5,2)", sqlType(payment, "amount"));
    assertEquals(Set.of("payment_date", "payment_id"),
        Set.copyOf(Json.mapper().convertValue(payment.metadata().stream(Metadata.TABLE_KEY_PROPERTIES), List.class)));
    assertEquals(Metadata.AUTOMATIC,
        payment.metadata().get(Metadata.property("payment_id"), Metadata.INCLUSION).asText());
    assertEquals(Metadata.AVAILABLE,
        payment.metadata().get(Metadata.property("amount"), Metadata.INCLUSION).asText());
    assertTrue(payment.metadata().stream(Metadata.VALID_REPLICATION_KEYS).toString().contains("payment_date"));

    CatalogEntry view = catalog.get("public-actor_info");
    assertTrue(view.metadata().stream(Metadata.IS_VIEW).asBoolean());
    assertEquals("[]", view.metadata().stream(Metadata.TABLE_KEY_PROPERTIES).toString());
    assertEquals("mpaa_rating", sqlType(catalog.get("public-film"), "rating"));
    CatalogEntry probe = catalog.get("probe-tåble");
    assertEquals("probe", probe.metadata().streamText(Metadata.SCHEMA_NAME));
    assertTrue(sqlType(probe, "id").contains("bıgınt"), sqlType(probe, "id"));
    assertEquals("numeric(12,2)", sqlType(probe, "price"));
  }

  @Test
  void columnTypesKeepTheirMeaning() {
    Map<String, CatalogEntry> catalog = catalog();
    CatalogEntry film = catalog.get("public-film");
    assertEquals("{\"type\":[\"null\",\"string\"],\"enum\":[\"G\",\"PG\",\"PG-13\",\"R\",\"NC-17\",null]}",
        Json.write(property(film, "rating")));
    assertEquals("mpaa_rating", sqlType(film, "rating"));
    assertEquals("{\"type\":[\"null\",\"array\"],\"items\":{\"type\":[\"null\",\"string\"]}}",
        Json.write(property(film, "special_features")));
    assertEquals("text[]", sqlType(film, "special_features"));
    assertEquals("{\"type\":[\"string\"]}", Json.write(property(film, "fulltext")));
    assertEquals("tsvector", sqlType(film, "fulltext"));
    assertEquals("{\"type\":[\"number\"],\"multipleOf\":0.01,\"x-singer.decimal\":{\"precision\":4,\"scale\":2}}",
        Json.write(property(film, "rental_rate")));
    assertEquals("numeric(4,2)", sqlType(film, "rental_rate"));
    assertEquals("{\"type\":[\"string\"],\"format\":\"date-time\"}", Json.write(property(film, "last_update")));
    assertEquals("timestamp with time zone", sqlType(film, "last_update"));
    assertEquals("[\"null\",\"integer\"]", Json.write(property(film, "release_year").get("type")));
    assertEquals("year", sqlType(film, "release_year"));
    assertEquals("{\"type\":[\"string\"]}", Json.write(property(film, "title")));

    CatalogEntry staff = catalog.get("public-staff");
    assertEquals("{\"type\":[\"null\",\"string\"],\"contentEncoding\":\"base16\"}",
        Json.write(property(staff, "picture")));
    assertEquals("bytea", sqlType(staff, "picture"));

    CatalogEntry customer = catalog.get("public-customer");
    assertEquals("{\"type\":[\"null\",\"string\"],\"format\":\"date\"}".replace("\"null\",", ""),
        Json.write(property(customer, "create_date")));
    assertEquals("[\"null\",\"boolean\"]".replace("\"null\",", ""), Json.write(property(customer, "activebool").get("type")));

    CatalogEntry probe = catalog("probe").get("probe-tåble");
    assertEquals("{\"type\":[\"integer\"],\"minimum\":-9223372036854775808,\"maximum\":9223372036854775807}",
        Json.write(property(probe, "id")));
    assertTrue(sqlType(probe, "id").contains("bıgınt"), sqlType(probe, "id"));
    assertEquals("{\"type\":[\"null\",\"string\"],\"maxLength\":12}", Json.write(property(probe, "code")));
    assertEquals("{\"type\":[\"null\",\"number\"]}", Json.write(property(probe, "ratio")));
    assertEquals("{\"type\":[\"null\",\"string\"],\"format\":\"uuid\"}", Json.write(property(probe, "token")));
    assertEquals("[\"null\",\"object\",\"array\",\"string\",\"number\",\"boolean\"]",
        Json.write(property(probe, "doc").get("type")));
    assertEquals("{\"type\":[\"null\",\"string\"],\"format\":\"time\"}", Json.write(property(probe, "at_noon")));
  }

  private static String assertOne(String sql) {
    try {
      return server.queryOne("pagila", sql);
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aFullSyncEmitsEveryRowOfEveryTableWithValuesThatRoundTrip() throws Exception {
    int staffWithPicture = Integer.parseInt(
        server.queryOne("pagila", "SELECT min(staff_id) FROM staff WHERE picture IS NOT NULL"));
    TapRun run = TapRun.run(new PostgresTap(), "--config", configFile(server.config("pagila")).toString());
    assertEquals(0, run.exitCode(), run.describe());
    Map<String, Integer> counts = new HashMap<>();
    Map<String, ObjectNode> firstById = new HashMap<>();
    for (JsonNode message : run.messages()) {
      if (message.path("type").asText().equals("RECORD")) {
        String stream = message.get("stream").asText();
        counts.merge(stream, 1, Integer::sum);
        ObjectNode record = (ObjectNode) message.get("record");
        if (stream.equals("public-film") && record.get("film_id").asInt() == 1
            || stream.equals("public-payment") && record.get("payment_id").asLong() == 16050
            || stream.equals("public-staff") && record.get("staff_id").asInt() == staffWithPicture) {
          firstById.put(stream, record);
        }
      }
    }
    for (List<String> table : server.query("pagila",
        "SELECT n.nspname || '-' || c.relname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v') AND NOT c.relispartition")) {
      String expected = server.queryOne("pagila", "SELECT count(*) FROM public." + table.get(1));
      assertEquals(Integer.parseInt(expected), counts.getOrDefault(table.get(0), 0), table.get(0));
    }

    assertEquals(0, counts.getOrDefault("public-rental_by_category", 0));
    assertTrue(run.stderr().contains("rental_by_category\" has not been populated"), run.stderr());

    ObjectNode film = firstById.get("public-film");
    assertEquals("ACADEMY DINOSAUR", film.get("title").asText());
    assertEquals("0.99", film.get("rental_rate").toString());
    assertEquals("20.99", film.get("replacement_cost").toString());
    assertEquals("PG", film.get("rating").asText());
    assertEquals("[\"Deleted Scenes\",\"Behind the Scenes\"]", Json.write(film.get("special_features")));
    assertEquals(server.queryOne("pagila", "SELECT release_year FROM film WHERE film_id = 1"),
        film.get("release_year").toString());
    assertTrue(film.get("fulltext").asText().contains("'academi':1"), film.get("fulltext").asText());
    assertEquals(server.queryOne("pagila", "SELECT to_char(last_update AT TIME ZONE 'UTC',"
        + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US') FROM film WHERE film_id = 1").replaceAll("\\.?0+$", "") + "Z",
        film.get("last_update").asText());

    ObjectNode payment = firstById.get("public-payment");
    List<String> source = server.query("pagila", "SELECT amount::text, to_char(payment_date AT TIME ZONE 'UTC',"
        + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US') FROM payment WHERE payment_id = 16050").get(0);
    assertEquals(source.get(0), payment.get("amount").toString());
    assertEquals(source.get(1).replaceAll("\\.?0+$", "") + "Z", payment.get("payment_date").asText());

    ObjectNode staff = firstById.get("public-staff");
    String picture = server.queryOne("pagila", "SELECT encode(picture, 'hex') FROM staff WHERE staff_id = " + staffWithPicture);
    assertEquals(picture, staff.get("picture").asText());
    assertFalse(run.stderr().contains("not-needed-but-secret"), "the password reached stderr");
  }

  @Test
  void incrementalWithoutAReplicationKeyIsAConfigurationError() throws Exception {
    ObjectNode config = server.config("pagila");
    config.put("filter_schemas", "public");
    config.put("default_replication_method", "INCREMENTAL");
    TapRun run = TapRun.run(new PostgresTap(), "--config", configFile(config).toString());
    assertEquals(2, run.exitCode(), run.describe());
    assertTrue(run.stderr().matches("(?s).*ERROR Stream 'public-[a-z_]+' is to be read INCREMENTAL but has no"
        + " replication key; set replication-key in the catalog.*"), run.stderr());
    assertEquals("", run.stdout(), "messages were written before the error");
  }

  @Test
  void valuesOfEveryKindConvertExactly() throws Exception {
    ObjectNode config = server.config("pagila");
    config.put("filter_schemas", "probe");
    TapRun run = TapRun.run(new PostgresTap(), "--config", configFile(config).toString());
    assertEquals(0, run.exitCode(), run.describe());
    List<ObjectNode> records = run.records("probe-tåble");
    assertEquals(1, records.size());
    assertEquals("{\"id\":9007199254740993,\"code\":\"x\\\"y\",\"price\":12.50,\"ratio\":0.1,"
        + "\"took\":\"P1DT2H\",\"token\":\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\","
        + "\"doc\":{\"a\":[1,2.50,null]},\"grid\":[[1,2],[3,null]],\"at_noon\":\"12:00:01\","
        + "\"stamp\":\"2024-02-29T23:59:59.5Z\"}", Json.write(records.get(0)));
  }

  @Test
  void aSecondIncrementalRunEmitsTheChangedRowsAndNothingOlder() throws Exception {
    // Pagila's actors share one last_update: spread them so that a bookmark separates rows.
    server.execute("pagila", "ALTER TABLE actor DISABLE TRIGGER last_updated",
        "UPDATE actor SET last_update = timestamptz '2022-02-15 09:34:33+00' + actor_id * interval '1 second'",
        "ALTER TABLE actor ENABLE TRIGGER last_updated");
    ObjectNode config = server.config("pagila");
    config.put("filter_schemas", "public");
    Path catalogFile = directory.resolve("catalog.json");
    ObjectNode catalog = Json.object();
    CatalogEntry actor = catalog().get("public-actor");
    Metadata metadata = actor.metadata()
        .with(List.of(), Metadata.SELECTED, true)
        .with(List.of(), Metadata.REPLICATION_METHOD, "INCREMENTAL")
        .with(List.of(), Metadata.REPLICATION_KEY, "last_update");
    catalog.putArray("streams").add(actor.withMetadata(metadata).toJson());
    Files.writeString(catalogFile, Json.write(catalog));

    TapRun first = TapRun.run(new PostgresTap(), "--config", configFile(config).toString(),
        "--catalog", catalogFile.toString());
    assertEquals(0, first.exitCode(), first.describe());
    assertEquals(200, first.records("public-actor").size());
    JsonNode state = first.lastState();
    String bookmark = state.path("bookmarks").path("public-actor").path("replication_key_value").asText();
    assertEquals(server.queryOne("pagila", "SELECT to_char(max(last_update) AT TIME ZONE 'UTC',"
        + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US') FROM actor").replaceAll("\\.?0+$", "") + "Z", bookmark);

    server.execute("pagila",
        "UPDATE actor SET first_name = 'CHANGED' WHERE actor_id IN (7, 42)");
    Path stateFile = directory.resolve("state.json");
    Files.writeString(stateFile, Json.write(state));
    TapRun second = TapRun.run(new PostgresTap(), "--config", configFile(config).toString(),
        "--catalog", catalogFile.toString(), "--state", stateFile.toString());
    assertEquals(0, second.exitCode(), second.describe());
    List<ObjectNode> records = second.records("public-actor");
    Set<Integer> ids = records.stream().map(r -> r.get("actor_id").asInt()).collect(Collectors.toSet());
    assertTrue(ids.containsAll(Set.of(7, 42)), "changed rows missing: " + ids);
    for (ObjectNode record : records) {
      assertTrue(record.get("last_update").asText().compareTo(bookmark) >= 0,
          "an older row came again: " + record);
    }
    // the row at the bookmark comes again (>=), the two changed rows, nothing else
    assertEquals(3, records.size(), "records: " + records);
    for (ObjectNode record : records) {
      if (Set.of(7, 42).contains(record.get("actor_id").asInt())) {
        assertEquals("CHANGED", record.get("first_name").asText());
      }
    }
  }
}
