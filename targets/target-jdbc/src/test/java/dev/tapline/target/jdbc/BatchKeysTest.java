package dev.tapline.target.jdbc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapline.spec.Json;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class BatchKeysTest {

  private static JsonNode[] key(Object... values) {
    JsonNode[] nodes = new JsonNode[values.length];
    for (int i = 0; i < values.length; i++) {
      nodes[i] = Json.mapper().valueToTree(values[i]);
    }
    return nodes;
  }

  @Test
  void growingIntegerKeysNeverRepeat() {
    BatchKeys keys = new BatchKeys();
    for (long i = -5000; i < 5000; i += 3) {
      keys.add(key(i));
    }
    assertFalse(keys.repeated());
    keys.add(key(-5000L));
    assertTrue(keys.repeated());
  }

  @Test
  void aRepeatAfterTheKeysStoppedGrowingIsFound() {
    BatchKeys keys = new BatchKeys();
    for (long i = 0; i < 3000; i++) {
      keys.add(key(i * 7));
    }
    keys.add(key(5L));
    keys.add(key(-1L));
    keys.add(key(Long.MIN_VALUE));
    for (long i = 3000; i < 6000; i++) {
      keys.add(key(i * 7));
    }
    assertFalse(keys.repeated());
    keys.add(key(Long.MIN_VALUE));
    assertTrue(keys.repeated());
  }

  @Test
  void shuffledKeysAreAllKeptUntilOneRepeats() {
    BatchKeys keys = new BatchKeys();
    for (long i = 0; i < 50_000; i++) {
      keys.add(key((i * 7919) % 50_000));
    }
    assertFalse(keys.repeated());
    keys.add(key(12_345L));
    assertTrue(keys.repeated());
  }

  @Test
  void equalNumbersWrittenDifferentlyAreTheSameKey() {
    BatchKeys keys = new BatchKeys();
    keys.add(key(5));
    keys.add(key(new BigDecimal("5.00")));
    assertTrue(keys.repeated());

    keys.clear();
    keys.add(key(new BigDecimal("2.50")));
    keys.add(key(new BigDecimal("2.5")));
    assertTrue(keys.repeated());

    keys.clear();
    keys.add(key(new BigInteger("123456789012345678901234567890")));
    keys.add(key(new BigDecimal("123456789012345678901234567890.0")));
    assertTrue(keys.repeated());
  }

  @Test
  void textAndCompoundKeys() {
    BatchKeys keys = new BatchKeys();
    keys.add(key("a", 1));
    keys.add(key("a", 2));
    keys.add(key("b", 1));
    assertFalse(keys.repeated());
    keys.add(key("a", 1.0));
    assertTrue(keys.repeated());

    keys.clear();
    assertFalse(keys.repeated());
    keys.add(key("x"));
    keys.add(key("y"));
    assertFalse(keys.repeated());
    keys.add(key("x"));
    assertTrue(keys.repeated());
  }
}
