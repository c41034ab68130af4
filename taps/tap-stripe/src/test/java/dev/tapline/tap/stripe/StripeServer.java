package dev.tapline.tap.stripe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.examples.stripe.FakeStripe;
import dev.tapline.examples.stripe.StripeSandbox;
import dev.tapline.spec.Json;
import dev.tapline.spec.schema.MessageSchemas;
import dev.tapline.spec.schema.RecordValidator;
import dev.tapline.tap.contract.TapRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Stripe-like server for one test: WireMock serving clones of Stripe's example objects (the
 * clones, with new ids and created values, are ours, not Stripe's), and helpers to run tap-stripe
 * against it.
 */
final class StripeServer implements AutoCloseable {

  static final String KEY = "sk_test_tapline_4eC39HqLyjWDarjtT1zdp7dc";
  static final int OBJECTS = 7;
  static final long STEP_SECONDS = 5 * 86_400L;

  final long firstCreated = Instant.now().truncatedTo(ChronoUnit.SECONDS)
      .minus(40, ChronoUnit.DAYS).getEpochSecond();
  final FakeStripe api = new FakeStripe().requireKey(KEY).cloneExamples(OBJECTS, firstCreated, STEP_SECONDS);
  final StripeSandbox sandbox = new StripeSandbox(0, api);

  /** A config reading everything from a day before the first object, three objects per page. */
  ObjectNode config() {
    ObjectNode config = Json.object();
    config.put("client_secret", KEY);
    config.put("start_date", Instant.ofEpochSecond(firstCreated).minus(1, ChronoUnit.DAYS).toString());
    config.put("api_url", sandbox.url());
    config.put("page_size", 3);
    config.put("date_window_size", 20);
    config.put("event_date_window_size", 5);
    config.put("retry_backoff", 0.005);
    config.put("request_timeout", 1);
    return config;
  }

  static Path write(Path directory, String name, JsonNode json) throws IOException {
    Path file = directory.resolve(name);
    Files.writeString(file, Json.write(json));
    return file;
  }

  /** Checks every line as {@code tapline check} does: the protocol's schemas, then each record. */
  static void assertValidOutput(TapRun run) {
    List<JsonNode> messages = run.messages();
    Map<String, RecordValidator> validators = new HashMap<>();
    for (int i = 0; i < messages.size(); i++) {
      JsonNode message = messages.get(i);
      List<String> problems = MessageSchemas.get().validate(message);
      assertTrue(problems.isEmpty(), "line " + (i + 1) + ": " + problems);
      String type = message.path("type").asText();
      if (type.equals("SCHEMA")) {
        validators.put(message.path("stream").asText(),
            RecordValidator.compile((ObjectNode) message.get("schema")));
      } else if (type.equals("RECORD")) {
        RecordValidator validator = validators.get(message.path("stream").asText());
        assertNotNull(validator, "line " + (i + 1) + ": RECORD before SCHEMA");
        List<String> invalid = validator.validate(message.get("record"));
        assertTrue(invalid.isEmpty(), "line " + (i + 1) + " (" + message.path("stream").asText()
            + "): " + invalid);
      }
    }
  }

  static void assertSucceeded(TapRun run) {
    assertEquals(0, run.exitCode(), run.describe());
  }

  @Override
  public void close() {
    sandbox.close();
  }
}
