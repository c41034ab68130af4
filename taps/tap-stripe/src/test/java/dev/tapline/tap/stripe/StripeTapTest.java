package dev.tapline.tap.stripe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.tap.contract.TapRun;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tap-stripe against a Stripe-like WireMock server serving clones of Stripe's own example objects
 * (the clones, with new ids and created values, are ours).
 */
class StripeTapTest {

  private static final List<String> TOP_LEVEL = List.of("charges", "customers", "invoices",
      "subscriptions", "payment_intents", "refunds", "balance_transactions", "events", "products",
      "prices", "payouts", "disputes", "coupons", "transfers");

  @TempDir Path directory;
  private final StripeServer server = new StripeServer();

  @AfterEach
  void stop() {
    server.close();
  }

  private TapRun run(ObjectNode config, JsonNode state) throws IOException {
    Path configFile = StripeServer.write(directory, "config.json", config);
    if (state == null) {
      return TapRun.run(new StripeTap(), "--config", configFile.toString());
    }
    Path stateFile = StripeServer.write(directory, "state.json", state);
    return TapRun.run(new StripeTap(), "--config", configFile.toString(), "--state", stateFile.toString());
  }

  private static Set<String> ids(List<ObjectNode> records) {
    Set<String> ids = new HashSet<>();
    for (ObjectNode record : records) {
      ids.add(record.path("id").asText());
    }
    return ids;
  }

  private Set<String> serverIds(String path) {
    return ids(server.api.objects(path));
  }

  @Test
  void everyStreamMatchesItsSchemaAndIsReadToTheLastPage() throws IOException {
    TapRun run = run(server.config(), null);
    StripeServer.assertSucceeded(run);
    StripeServer.assertValidOutput(run);
    for (String stream : TOP_LEVEL) {
      List<ObjectNode> records = run.records(stream);
      assertEquals(StripeServer.OBJECTS, records.size(), stream + ": " + ids(records));
      assertEquals(serverIds("/v1/" + stream), ids(records), stream);
    }
    assertEquals(2 * StripeServer.OBJECTS, ids(run.records("invoice_line_items")).size());
    assertEquals(2 * StripeServer.OBJECTS, ids(run.records("subscription_items")).size());
    assertTrue(server.api.requests().stream().anyMatch(r -> r.contains("starting_after=")),
        "no page after the first was asked for");
    assertTrue(server.api.requests().stream().anyMatch(r -> r.startsWith("/v1/subscriptions?")
        && r.contains("status=all")), "subscriptions are not asked with status=all");
    assertEquals(Set.of(StripeTap.API_VERSION), server.api.headerValues("Stripe-Version"));

    ObjectNode charge = run.records("charges").get(0);
    assertTrue(charge.path("created").textValue().endsWith("Z"), "created is not a date-time: " + charge.get("created"));
    assertTrue(charge.path("amount").isIntegralNumber(), "amount is not an integer");
    assertEquals(charge.get("created"), charge.get("updated"));
    ObjectNode invoice = run.records("invoices").get(0);
    assertTrue(invoice.path("lines").isArray(), "the lines envelope of an invoice is not unwrapped");
    assertTrue(invoice.path("lines").get(0).path("period").path("start").textValue().endsWith("Z"),
        "a nested timestamp is not a date-time");
    ObjectNode line = run.records("invoice_line_items").get(0);
    assertTrue(serverIds("/v1/invoices").contains(line.path("invoice").asText()));
  }

  /** The epoch seconds a query parameter takes in the requests for a list, in request order. */
  private static List<Long> parameterValues(List<String> requests, String path, String parameter) {
    List<Long> values = new ArrayList<>();
    String marker = parameter + "=";
    for (String request : requests) {
      String decoded = URLDecoder.decode(request, StandardCharsets.UTF_8);
      if (!decoded.startsWith(path + "?")) {
        continue;
      }
      for (String pair : decoded.substring(path.length() + 1).split("&")) {
        if (pair.startsWith(marker)) {
          values.add(Long.parseLong(pair.substring(marker.length())));
        }
      }
    }
    return values;
  }

  /** The end of the last window the run asked a list for: its highest {@code created[lt]}. */
  private String windowEnd(String path) {
    List<Long> ends = parameterValues(server.api.requests(), path, "created[lt]");
    assertFalse(ends.isEmpty(), "no window of " + path + " was asked for");
    return Instant.ofEpochSecond(ends.stream().max(Long::compare).orElseThrow()).toString();
  }

  private static String bookmark(JsonNode state, String stream) {
    assertNotNull(state, "no STATE was written");
    JsonNode bookmark = state.path("bookmarks").path(stream);
    assertEquals("updated", bookmark.path("replication_key").asText(), stream + ": " + bookmark);
    return bookmark.path("replication_key_value").asText();
  }

  /** Waits until the clock is past {@code instant} by a second, so a new run's window ends later. */
  private static void awaitSecondAfter(Instant instant) {
    while (!Instant.now().isAfter(instant.plusSeconds(1))) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  @Test
  void theBookmarkIsTheWindowEndAndTheSecondRunAsksOnlyForWhatIsNew() throws IOException {
    ObjectNode config = server.config();
    TapRun first = run(config, null);
    StripeServer.assertSucceeded(first);
    JsonNode state = first.lastState();
    String end = windowEnd("/v1/charges");
    long newest = server.firstCreated + (StripeServer.OBJECTS - 1) * StripeServer.STEP_SECONDS;
    assertTrue(Instant.parse(end).getEpochSecond() > newest, "the window ends before the newest charge");
    for (String stream : TOP_LEVEL) {
      Instant expected = Instant.parse(end);
      if (stream.equals("balance_transactions") || stream.equals("events")) {
        // immutable lists: a lookback window (600 s by default) is read again on the next run
        expected = expected.minusSeconds(600);
      }
      assertEquals(expected.toString(), bookmark(state, stream), stream);
    }
    assertEquals(end, bookmark(state, "invoice_line_items"));
    assertEquals(end, bookmark(state, "subscription_items"));

    awaitSecondAfter(Instant.parse(end));
    ObjectNode fresh = server.api.cloneOf("charge", Instant.parse(end).getEpochSecond());
    server.api.add("/v1/charges", fresh);
    server.api.clearRequests();
    TapRun second = run(config, state);
    StripeServer.assertSucceeded(second);
    StripeServer.assertValidOutput(second);
    assertEquals(List.of(fresh.path("id").asText()), List.copyOf(ids(second.records("charges"))),
        "the second run did not read exactly the one new charge");
    List<Long> starts = parameterValues(server.api.requests(), "/v1/charges", "created[gte]");
    assertFalse(starts.isEmpty(), "the second run did not ask for charges");
    assertEquals(Instant.parse(end).getEpochSecond(), starts.get(0),
        "the second run's first window does not start at the first run's bookmark");
    assertTrue(starts.stream().allMatch(start -> start >= Instant.parse(end).getEpochSecond()),
        "the second run asked for charges created before the bookmark: " + starts);
    assertEquals(Instant.parse(end).getEpochSecond(),
        parameterValues(server.api.requests(), "/v1/events", "created[gte]").get(0),
        "the second run's events do not start at the first run's bookmark");
    assertEquals(windowEnd("/v1/charges"), bookmark(second.lastState(), "charges"));
    assertTrue(Instant.parse(bookmark(second.lastState(), "charges")).isAfter(Instant.parse(end)));
  }

  @Test
  void aRunThatFindsNothingStillMovesTheBookmarkToTheWindowEnd() throws IOException {
    ObjectNode config = server.config();
    // the newest clone was created ten days ago: nothing is newer than yesterday
    config.put("start_date", Instant.now().minus(1, java.time.temporal.ChronoUnit.DAYS).toString());
    TapRun first = run(config, null);
    StripeServer.assertSucceeded(first);
    assertTrue(first.records("charges").isEmpty(), "charges were found after the start date");
    String end = windowEnd("/v1/charges");
    assertEquals(end, bookmark(first.lastState(), "charges"));
    assertEquals(end, bookmark(first.lastState(), "invoice_line_items"));

    awaitSecondAfter(Instant.parse(end));
    server.api.clearRequests();
    TapRun second = run(config, first.lastState());
    StripeServer.assertSucceeded(second);
    assertEquals(Instant.parse(end).getEpochSecond(),
        parameterValues(server.api.requests(), "/v1/charges", "created[gte]").get(0));
  }

  @Test
  void aRunFailingInALaterWindowKeepsTheEndOfTheLastWindowReadAndNoMore() throws IOException {
    ObjectNode config = server.config();
    config.put("date_window_size", 10);
    // charges are synced first, one request per 10-day window (two charges in each of the first
    // three): the first two windows are answered, the third is refused
    server.api.delayNext(0).delayNext(0).failNext(401);
    TapRun run = run(config, null);
    assertEquals(1, run.exitCode(), run.describe());
    List<Long> ends = parameterValues(server.api.requests(), "/v1/charges", "created[lt]");
    assertEquals(3, ends.size(), server.api.requests().toString());
    String kept = bookmark(run.lastState(), "charges");
    assertEquals(Instant.ofEpochSecond(ends.get(1)).toString(), kept,
        "the bookmark is not the end of the last window read to its end");
    Set<String> emitted = ids(run.records("charges"));
    assertEquals(4, emitted.size(), "charges of the first two windows: " + emitted);
    for (ObjectNode charge : server.api.objects("/v1/charges")) {
      if (charge.path("created").asLong() < Instant.parse(kept).getEpochSecond()) {
        assertTrue(emitted.contains(charge.path("id").asText()),
            "the bookmark covers charge " + charge.path("id").asText() + ", which was not emitted");
      }
    }
    // every STATE line follows the records it covers
    String lastStateLine = null;
    int lastRecord = -1;
    List<JsonNode> messages = run.messages();
    for (int i = 0; i < messages.size(); i++) {
      if (messages.get(i).path("type").asText().equals("RECORD")) {
        lastRecord = i;
      } else if (messages.get(i).path("type").asText().equals("STATE")) {
        lastStateLine = messages.get(i).toString();
        assertTrue(i > lastRecord, "a STATE came before a record");
      }
    }
    assertNotNull(lastStateLine);
  }

  @Test
  void anIncrementalRunFailingBeforeTheEventsWereReadLeavesTheBookmarkWhereItWas()
      throws IOException {
    ObjectNode config = server.config();
    TapRun first = run(config, null);
    StripeServer.assertSucceeded(first);
    String before = bookmark(first.lastState(), "charges");
    awaitSecondAfter(Instant.parse(before));
    ObjectNode fresh = server.api.cloneOf("charge", Instant.parse(before).getEpochSecond());
    server.api.add("/v1/charges", fresh);
    server.api.clearRequests();
    // the new charges' window is answered; the events that follow it are refused
    server.api.delayNext(0).failNext(401);
    TapRun second = run(config, first.lastState());
    assertEquals(1, second.exitCode(), second.describe());
    assertEquals(List.of(fresh.path("id").asText()), List.copyOf(ids(second.records("charges"))));
    assertTrue(server.api.requests().get(1).startsWith("/v1/events?"), server.api.requests().toString());
    for (JsonNode message : second.messages()) {
      if (message.path("type").asText().equals("STATE")) {
        assertEquals(before, bookmark(message.get("value"), "charges"),
            "the bookmark moved although the changes before it were not read");
      }
    }
  }

  @Test
  void anUpdateAndADeletionAfterTheFirstRunReachTheNextRun() throws IOException {
    ObjectNode config = server.config();
    TapRun first = run(config, null);
    StripeServer.assertSucceeded(first);
    // changes happen after the first run started (its window end), as in a live account
    Instant firstEnd = Instant.parse(bookmark(first.lastState(), "charges"));
    awaitSecondAfter(firstEnd);
    List<ObjectNode> charges = server.api.objects("/v1/charges");
    String changedId = charges.get(charges.size() - 1).path("id").asText();
    long changedAt = firstEnd.getEpochSecond();
    ObjectNode changes = Json.object();
    changes.put("description", "refunded by phone");
    changes.put("amount_refunded", 100);
    server.api.update("/v1/charges", changedId, changes, changedAt, null);
    String deletedId = server.api.objects("/v1/customers").get(3).path("id").asText();
    long deletedAt = firstEnd.getEpochSecond();
    server.api.delete("/v1/customers", deletedId, deletedAt, null);
    server.api.clearRequests();

    TapRun second = run(config, first.lastState());
    StripeServer.assertSucceeded(second);
    StripeServer.assertValidOutput(second);
    ObjectNode changed = only(second.records("charges"), changedId);
    assertEquals("refunded by phone", changed.path("description").asText());
    assertEquals(100, changed.path("amount_refunded").intValue());
    assertEquals(Instant.ofEpochSecond(changedAt).toString(), changed.path("updated").asText());
    ObjectNode deleted = only(second.records("customers"), deletedId);
    assertTrue(deleted.path("deleted").asBoolean(), "the deleted customer is not marked deleted");
    assertEquals(windowEnd("/v1/customers"), bookmark(second.lastState(), "customers"));
  }

  private static ObjectNode only(List<ObjectNode> records, String id) {
    List<ObjectNode> found = new ArrayList<>();
    for (ObjectNode record : records) {
      if (record.path("id").asText().equals(id)) {
        found.add(record);
      }
    }
    assertEquals(1, found.size(), "records with id " + id + ": " + found.size());
    return found.get(0);
  }

  @Test
  void rateLimitsServerErrorsTimeoutsAndDroppedConnectionsAreRetriedAndEveryRecordComesOnce()
      throws IOException {
    server.api.failNext(429)
        .failNext(429, "Stripe-Should-Retry", "true")
        .failNext(429)
        .failNext(429, "Retry-After", "0")
        .failNext(500)
        .failNext(503, "Stripe-Should-Retry", "true")
        .delayNext(1500)
        .dropNext()
        .failNext(502);
    ObjectNode config = server.config();
    config.put("max_attempts", 12);
    TapRun run = run(config, null);
    StripeServer.assertSucceeded(run);
    StripeServer.assertValidOutput(run);
    for (String stream : TOP_LEVEL) {
      List<ObjectNode> records = run.records(stream);
      assertEquals(StripeServer.OBJECTS, records.size(), stream);
      assertEquals(StripeServer.OBJECTS, ids(records).size(), stream + " has a record twice");
    }
    assertTrue(run.stderr().contains("-> 429; retrying"), run.stderr());
    assertTrue(run.stderr().contains("no answer in time"), run.stderr());
    assertTrue(run.stderr().contains("\"http_status_code\":429"), "no metric of the 429");
  }

  @Test
  void aWrongKeyFailsFastWithAClearMessageAndNoState() throws IOException {
    ObjectNode config = server.config();
    config.put("client_secret", "sk_test_wrong_key_123456");
    TapRun run = run(config, null);
    assertEquals(1, run.exitCode(), run.describe());
    assertEquals(1, server.api.requests().size(), "a 401 was retried: " + server.api.requests());
    assertTrue(run.stderr().contains("ERROR"), run.stderr());
    assertTrue(run.stderr().contains("401"), run.stderr());
    assertTrue(run.stderr().contains("Check the credentials"), run.stderr());
    assertFalse(run.stderr().contains("sk_test_wrong_key_123456"), "the key reached stderr");
    assertFalse(run.stderr().contains("\tat "), "a stack trace was printed");
    assertNull(run.lastState(), "a failed run wrote a STATE");
  }

  @Test
  void invoiceLinesBeyondTheEmbeddedPageAreReadFromTheLinesEndpoint() throws IOException {
    ObjectNode invoice = server.api.cloneOf("invoice", server.firstCreated + 3600);
    String id = invoice.path("id").asText();
    server.api.embedItems(invoice, "lines", "line_item", "invoice", id, "/v1/invoices/" + id + "/lines", 5);
    ((ObjectNode) invoice.get("lines")).put("has_more", true);
    server.api.add("/v1/invoices", invoice);
    TapRun run = run(server.config(), null);
    StripeServer.assertSucceeded(run);
    List<ObjectNode> lines = new ArrayList<>();
    for (ObjectNode line : run.records("invoice_line_items")) {
      if (line.path("invoice").asText().equals(id)) {
        lines.add(line);
      }
    }
    assertEquals(5, lines.size());
    assertEquals(5, ids(lines).size());
    assertTrue(server.api.requests().stream().anyMatch(r -> r.startsWith("/v1/invoices/" + id + "/lines")));
  }

  @Test
  void theConnectedAccountIsSentAsStripeAccount() throws IOException {
    ObjectNode config = server.config();
    config.put("account_id", "acct_1032D82eZvKYlo2C");
    StripeServer.assertSucceeded(run(config, null));
    assertEquals(Set.of("acct_1032D82eZvKYlo2C"), server.api.headerValues("Stripe-Account"));
  }

}
