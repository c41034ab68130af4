package dev.tapline.tap.stripe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.Timestamps;
import dev.tapline.tap.LazyJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** Stripe objects become records of their schema: epoch seconds as timestamps, lists unwrapped. */
class StripeRecordsTest {

  @Test
  void epochSecondsAreFormattedAsTheSpecFormatsThem() {
    long[] edges = {0, 59, 86_399, 86_400, 951_782_400L /* 2000-02-29 */, 1_700_000_000L,
        2_147_483_647L, 4_107_542_400L /* 2100-03-01 */, 253_402_300_799L, 253_402_300_800L, -1,
        -86_401};
    for (long seconds : edges) {
      assertEquals(Timestamps.format(Instant.ofEpochSecond(seconds)),
          StripeRecords.timestampNode(seconds).textValue(), "epoch second " + seconds);
    }
    for (int i = 0; i < 10_000; i++) {
      long seconds = ThreadLocalRandom.current().nextLong(0, 253_402_300_800L);
      assertEquals(Timestamps.format(Instant.ofEpochSecond(seconds)),
          StripeRecords.timestampNode(seconds).textValue(), "epoch second " + seconds);
    }
  }

  @Test
  void timestampsAndListEnvelopesFollowTheSchema() {
    ObjectNode schema = (ObjectNode) Json.parse("""
        {"type": "object", "properties": {
          "created": {"type": ["null", "string"], "format": "date-time"},
          "amount": {"type": ["null", "integer"]},
          "refunds": {"type": ["null", "array"], "items": {"type": "object", "properties": {
            "created": {"type": "string", "format": "date-time"}}}},
          "card": {"type": ["null", "object"], "properties": {
            "expires": {"type": "string", "format": "date-time"}}}}}
        """);
    String object = """
        {"id": "ch_1", "created": 1700000000, "amount": 1700000000,
         "refunds": {"object": "list", "data": [{"id": "re_1", "created": 86400}], "has_more": false},
         "card": {"expires": 0, "brand": "visa"}, "outcome": {"created": 5}}
        """;
    JsonNode converted = StripeRecords.compile(schema)
        .convert((ObjectNode) LazyJson.parse(object.getBytes(StandardCharsets.UTF_8)));
    assertEquals(Json.parse("""
        {"id": "ch_1", "created": "2023-11-14T22:13:20Z", "amount": 1700000000,
         "refunds": [{"id": "re_1", "created": "1970-01-02T00:00:00Z"}],
         "card": {"expires": "1970-01-01T00:00:00Z", "brand": "visa"}, "outcome": {"created": 5}}
        """), Json.parse(Json.write(converted)));
  }
}
