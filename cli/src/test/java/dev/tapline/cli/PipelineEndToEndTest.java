package dev.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.tapline.spec.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Project pipelines with the real tap-csv and target-jsonl (and {@code tapline map} between them),
 * each started as its own JVM.
 */
class PipelineEndToEndTest {

  private static final Instant START = Instant.parse("2024-01-01T00:00:00Z");
  private static final String SALT = "salt-4f1d9c2e7b";
  private static final String TOKEN = "token-8a7c6e5d4b";

  @TempDir Path folder;

  private static String updatedAt(int id) {
    return START.plusSeconds(60L * id).toString();
  }

  private Path customersCsv(int rows) throws IOException {
    Path csv = folder.resolve("customers.csv");
    try (BufferedWriter writer = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      writer.write("id,updated_at,email,notes,active\n");
      for (int id = 1; id <= rows; id++) {
        writer.write(id + "," + updatedAt(id) + ",user" + id + "@example.org,note " + id + "," + (id % 3 != 0) + "\n");
      }
    }
    return csv;
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private List<JsonNode> lines(Path file) throws IOException {
    try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      return lines.filter(line -> !line.isBlank()).map(Json::parse).toList();
    }
  }

  @Test
  void aMapperHashesDropsAndFiltersAndTheWebhookGetsTheSummaryWithoutSecrets() throws Exception {
    Launchers.tapCsv(folder);
    Launchers.targetJsonl(folder);
    Launchers.tapline(folder);
    Path csv = customersCsv(30);
    List<String> bodies = new CopyOnWriteArrayList<>();
    List<String> authorizations = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/hook", exchange -> {
      bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    server.start();
    try {
      Path project = Files.writeString(folder.resolve("tapline.yml"), """
          taps:
            customers:
              executable: ./tap-csv
              config:
                files: [{entity: customers, path: "%s", keys: [id], replication_key: updated_at}]
          targets:
            jsonl:
              executable: ./target-jsonl
              config: {destination_path: "%s"}
          mappers:
            pii:
              executable: ./tapline
              args: [map]
              config:
                hash_salt: "${TEST_SALT}"
                streams:
                  customers:
                    rename: clients
                    filter: "record.active"
                    properties:
                      email: hash
                      notes: drop
                      id: {rename: client_id}
          pipelines:
            customers:
              tap: customers
              mappers: [pii]
              target: jsonl
              notify:
                - on: [success, failure]
                  webhook: "http://127.0.0.1:%d/hook?token=${HOOK_TOKEN}"
                  headers: {Authorization: "Bearer ${HOOK_TOKEN}"}
          """.formatted(csv, folder.resolve("out"), server.getAddress().getPort()), StandardCharsets.UTF_8);
      Cli cli = new Cli().environment("TEST_SALT", SALT).environment("HOOK_TOKEN", TOKEN);

      Cli.Result result = cli.execute("run", "customers", "--project", project.toString());

      assertEquals(0, result.exitCode(), result::toString);
      List<JsonNode> rows = lines(folder.resolve("out/clients.jsonl"));
      assertEquals(20, rows.size(), "ids divisible by 3 are inactive and filtered out: " + result);
      for (JsonNode row : rows) {
        int id = row.path("client_id").asInt();
        assertTrue(id % 3 != 0, row::toString);
        assertEquals(sha256(SALT + "user" + id + "@example.org"), row.path("email").asText(), row::toString);
        assertFalse(row.has("notes"), row::toString);
        assertFalse(row.has("id"), row::toString);
      }
      assertTrue(result.err().contains("[customers/pii] "), "the mapper's stderr is forwarded: " + result);

      assertEquals(1, bodies.size(), result::toString);
      JsonNode summary = Json.parse(bodies.get(0));
      assertEquals("customers", summary.path("pipeline").asText());
      assertEquals("succeeded", summary.path("status").asText());
      assertEquals(0, summary.path("exit_codes").path("pii").asInt(), summary::toString);
      assertEquals("Bearer " + TOKEN, authorizations.get(0), "the secret reaches where it is meant to go");

      Cli.Result runs = cli.execute("runs", "--json", "--project", project.toString());
      JsonNode run = Json.parse(runs.out()).get(0);
      assertEquals(20, run.path("records").path("clients").asInt(), run::toString);
      assertTrue(run.path("bytes").path("clients").asLong() > 0, run::toString);
      for (String output : List.of(result.err(), result.out(), runs.out(), runs.err(), bodies.get(0), allFilesUnder(folder.resolve(".tapline")))) {
        assertFalse(output.contains(SALT), () -> "the salt leaked: " + output);
        assertFalse(output.contains(TOKEN), () -> "the token leaked: " + output);
      }
    } finally {
      server.stop(0);
    }
  }

  private static String allFilesUnder(Path root) throws IOException {
    StringBuilder text = new StringBuilder();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        text.append(Files.readString(file, StandardCharsets.UTF_8));
      }
    }
    return text.toString();
  }

  @Test
  void tapllineKilledMidRunLeavesAWholeStateAndTheRerunLosesNoRow() throws Exception {
    Launchers.tapCsv(folder);
    Launchers.targetJsonl(folder);
    int rows = 200_000;
    Path csv = folder.resolve("orders.csv");
    try (BufferedWriter writer = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      writer.write("id,updated_at,amount\n");
      for (int id = 1; id <= rows; id++) {
        writer.write(id + "," + updatedAt(id) + "," + (id % 1000) + "." + (id % 100) + "\n");
      }
    }
    Path project = Files.writeString(folder.resolve("tapline.yml"), """
        taps:
          csv:
            executable: ./tap-csv
            config:
              files: [{entity: orders, path: "%s", keys: [id], replication_key: updated_at, sorted: true}]
              state_interval_rows: 2000
        targets:
          jsonl:
            executable: ./target-jsonl
            config: {destination_path: "%s", batch_size_rows: 5000}
        pipelines:
          orders: {tap: csv, target: jsonl}
        """.formatted(csv, folder.resolve("out")), StandardCharsets.UTF_8);
    Path stateFile = folder.resolve(".tapline/state/orders/state.json");
    Path err = folder.resolve("killed.err");

    Process tapline = Launchers.startTapline(folder, folder, err, "run", "orders");
    String seen = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (seen == null && System.nanoTime() < deadline) {
      assertTrue(tapline.isAlive(), () -> "the run ended before its first commit: " + read(err));
      if (Files.exists(stateFile)) {
        seen = bookmark(Json.read(stateFile));
      }
      Thread.sleep(5);
    }
    assertTrue(seen != null, "a state was committed within 90 s");
    List<ProcessHandle> children = tapline.descendants().toList();
    // SIGKILL: no shutdown hook runs, the lock goes with the process
    tapline.toHandle().destroyForcibly();
    assertTrue(tapline.waitFor(30, TimeUnit.SECONDS));
    for (ProcessHandle child : children) {
      // orphaned connectors end on their broken pipes
      child.onExit().get(60, TimeUnit.SECONDS);
    }

    JsonNode afterKill = Json.read(stateFile);
    String killedBookmark = bookmark(afterKill);
    assertTrue(killedBookmark.compareTo(seen) >= 0, "never rewound: " + seen + " then " + killedBookmark);
    assertTrue(killedBookmark.compareTo(updatedAt(rows)) < 0, "the run was killed mid-way: " + killedBookmark);

    Cli cli = new Cli();
    Cli.Result rerun = cli.execute("run", "orders", "--project", project.toString());

    assertEquals(0, rerun.exitCode(), rerun::toString);
    BitSet ids = new BitSet(rows + 1);
    for (JsonNode record : lines(folder.resolve("out/orders.jsonl"))) {
      ids.set(record.path("id").asInt());
    }
    assertEquals(rows + 1, ids.nextClearBit(1), "every id of the CSV, 1.." + rows + ", is at the target");
    assertEquals(updatedAt(rows), bookmark(Json.read(stateFile)));
    JsonNode history = Json.parse(cli.execute("runs", "orders", "--json", "--project", project.toString()).out());
    assertEquals(List.of("succeeded", "interrupted"),
        List.of(history.get(0).path("status").asText(), history.get(1).path("status").asText()), history::toString);
  }

  private static String bookmark(JsonNode state) {
    return state.path("bookmarks").path("orders").path("replication_key_value").asText();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
