package dev.tapline.tap.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.Timestamps;
import dev.tapline.tap.PlainTextNode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a Stripe object into a record of its schema, in place: epoch seconds become {@code
 * date-time} text where the schema says {@code format: date-time}, and list envelopes ({@code
 * {"object": "list", "data": [...]}}) become the array of their items where the schema says
 * array. Amounts and every other value stay as they are. Compiled once per schema; only the
 * properties that need work are visited.
 */
final class StripeRecords {

  private enum Action { TIMESTAMP, OBJECT, ARRAY }

  private record Step(String property, Action action, StripeRecords nested) {}

  private final List<Step> steps;

  private StripeRecords(List<Step> steps) {
    this.steps = steps;
  }

  /** The converter for records of {@code schema} (an object schema). */
  static StripeRecords compile(JsonNode schema) {
    List<Step> steps = new ArrayList<>();
    JsonNode properties = schema.path("properties");
    for (Map.Entry<String, JsonNode> property : properties.properties()) {
      Step step = stepFor(property.getKey(), property.getValue());
      if (step != null) {
        steps.add(step);
      }
    }
    return new StripeRecords(List.copyOf(steps));
  }

  private static Step stepFor(String name, JsonNode schema) {
    if ("date-time".equals(schema.path("format").asText())) {
      return new Step(name, Action.TIMESTAMP, null);
    }
    if (hasType(schema, "array")) {
      StripeRecords items = compile(schema.path("items"));
      return new Step(name, Action.ARRAY, items);
    }
    if (hasType(schema, "object")) {
      StripeRecords nested = compile(schema);
      return nested.steps.isEmpty() ? null : new Step(name, Action.OBJECT, nested);
    }
    return null;
  }

  private static boolean hasType(JsonNode schema, String type) {
    JsonNode types = schema.path("type");
    if (types.isTextual()) {
      return types.textValue().equals(type);
    }
    for (JsonNode item : types) {
      if (item.asText().equals(type)) {
        return true;
      }
    }
    return false;
  }

  /** Converts the object in place and returns it. */
  ObjectNode convert(ObjectNode object) {
    for (Step step : steps) {
      JsonNode value = object.get(step.property());
      if (value == null || value.isNull()) {
        continue;
      }
      switch (step.action()) {
        case TIMESTAMP -> {
          if (value.isIntegralNumber()) {
            object.set(step.property(), timestampNode(value.longValue()));
          }
        }
        case OBJECT -> {
          if (value instanceof ObjectNode nested) {
            step.nested().convert(nested);
          }
        }
        case ARRAY -> {
          JsonNode array = value;
          if (value.isObject() && "list".equals(value.path("object").asText())) {
            array = value.path("data");
            object.set(step.property(), array);
          }
          if (array instanceof ArrayNode items && !step.nested().steps.isEmpty()) {
            for (JsonNode item : items) {
              if (item instanceof ObjectNode itemObject) {
                step.nested().convert(itemObject);
              }
            }
          }
        }
      }
    }
    return object;
  }

  /** Epoch seconds as a Singer timestamp. */
  static String timestamp(long epochSeconds) {
    return Timestamps.format(Instant.ofEpochSecond(epochSeconds));
  }

  private static final long YEAR_10000 = 253_402_300_800L;

  /**
   * Epoch seconds as a Singer timestamp node, written without a formatter for years 1970 to 9999
   * (the same text as {@link #timestamp}); a node of ASCII bytes the tap copies as they are.
   */
  static JsonNode timestampNode(long epochSeconds) {
    if (epochSeconds < 0 || epochSeconds >= YEAR_10000) {
      return Json.NODES.textNode(timestamp(epochSeconds));
    }
    LocalDate date = LocalDate.ofEpochDay(epochSeconds / 86_400);
    int secondOfDay = (int) (epochSeconds % 86_400);
    byte[] text = new byte[20];
    digits(text, 0, date.getYear(), 4);
    text[4] = '-';
    digits(text, 5, date.getMonthValue(), 2);
    text[7] = '-';
    digits(text, 8, date.getDayOfMonth(), 2);
    text[10] = 'T';
    digits(text, 11, secondOfDay / 3600, 2);
    text[13] = ':';
    digits(text, 14, secondOfDay / 60 % 60, 2);
    text[16] = ':';
    digits(text, 17, secondOfDay % 60, 2);
    text[19] = 'Z';
    return new PlainTextNode(text);
  }

  private static void digits(byte[] text, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      text[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }
}
