package dev.tapline.tap.stripe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

  @Test
  void theSecondRunAsksOnlyForWhatIsNewAndTheBookmarkStaysAtTheWindow() throws IOException {
    ObjectNode config = server.config();
    TapRun first = run(config, null);
    StripeServer.assertSucceeded(first);
    JsonNode state = first.lastState();
    long newest = server.firstCreated + (StripeServer.OBJECTS - 1) * StripeServer.STEP_SECONDS;
    JsonNode charges = state.path("bookmarks").path("charges");
    assertEquals("updated", charges.path("replication_key").asText());
    assertEquals(Instant.ofEpochSecond(newest).toString(), charges.path("replication_key_value").asText(),
        "the bookmark is not the newest created value of the window read");
    // balance transactions are immutable: the bookmark stays a lookback window behind the window end
    Instant balanceBookmark = Instant.parse(state.path("bookmarks").path("balance_transactions")
        .path("replication_key_value").asText());
    assertFalse(balanceBookmark.isAfter(Instant.now().minusSeconds(600)));

    ObjectNode fresh = server.api.cloneOf("charge", Instant.now().getEpochSecond() - 5);
    server.api.add("/v1/charges", fresh);
    server.api.clearRequests();
    TapRun second = run(config, state);
    StripeServer.assertSucceeded(second);
    StripeServer.assertValidOutput(second);
    Set<String> chargeIds = ids(second.records("charges"));
    assertTrue(chargeIds.contains(fresh.path("id").asText()), "the new charge was not read");
    assertTrue(chargeIds.size() <= 2, "the second run re-read old charges: " + chargeIds);
    for (String request : server.api.requests()) {
      String decoded = URLDecoder.decode(request, StandardCharsets.UTF_8);
      if (decoded.startsWith("/v1/charges?")) {
        assertTrue(decoded.contains("created[gte]="), decoded);
        long from = Long.parseLong(decoded.replaceAll(".*created\\[gte\\]=(\\d+).*", "$1"));
        assertTrue(from >= newest, "the second run asked for charges created before the bookmark: " + decoded);
      }
    }
  }

  @Test
  void anUpdateAndADeletionAfterTheFirstRunReachTheNextRun() throws IOException {
    ObjectNode config = server.config();
    TapRun first = run(config, null);
    StripeServer.assertSucceeded(first);
    List<ObjectNode> charges = server.api.objects("/v1/charges");
    String changedId = charges.get(charges.size() - 1).path("id").asText();
    long changedAt = Instant.now().getEpochSecond() - 30;
    ObjectNode changes = Json.object();
    changes.put("description", "refunded by phone");
    changes.put("amount_refunded", 100);
    server.api.update("/v1/charges", changedId, changes, changedAt, null);
    String deletedId = server.api.objects("/v1/customers").get(3).path("id").asText();
    long deletedAt = Instant.now().getEpochSecond() - 20;
    server.api.delete("/v1/customers", deletedId, deletedAt, null);

    TapRun second = run(config, first.lastState());
    StripeServer.assertSucceeded(second);
    StripeServer.assertValidOutput(second);
    ObjectNode changed = only(second.records("charges"), changedId);
    assertEquals("refunded by phone", changed.path("description").asText());
    assertEquals(100, changed.path("amount_refunded").intValue());
    assertEquals(Instant.ofEpochSecond(changedAt).toString(), changed.path("updated").asText());
    ObjectNode deleted = only(second.records("customers"), deletedId);
    assertTrue(deleted.path("deleted").asBoolean(), "the deleted customer is not marked deleted");
    assertEquals(Instant.ofEpochSecond(deletedAt).toString(),
        second.lastState().path("bookmarks").path("customers").path("replication_key_value").asText());
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
