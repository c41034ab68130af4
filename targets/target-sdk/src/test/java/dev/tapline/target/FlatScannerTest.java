package dev.tapline.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.Message;
import dev.tapline.spec.MessageReader;
import dev.tapline.spec.RecordMessage;
import dev.tapline.spec.SchemaMessage;
import dev.tapline.spec.schema.RecordValidator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The flat reading path must never let through a line that the ordinary reader and validator
 * would judge differently. Generated records (valid and not) and thousands of mutations of them
 * go through both: every line the scanner accepts must parse to the same record, pass the
 * validator, and give for each property the node the reader built.
 */
class FlatScannerTest {

  private static final String ORDERS_SCHEMA = "{\"type\":\"SCHEMA\",\"stream\":\"orders\",\"schema\":{\"type\":\"object\","
      + "\"properties\":{\"id\":{\"type\":\"integer\"},\"created_at\":{\"type\":\"string\",\"format\":\"date-time\"},"
      + "\"customer\":{\"type\":[\"null\",\"string\"]},\"amount\":{\"type\":[\"null\",\"number\"],\"multipleOf\":0.01},"
      + "\"currency\":{\"type\":[\"null\",\"string\"],\"minLength\":3,\"maxLength\":3},\"status\":{\"type\":[\"null\",\"string\"]},"
      + "\"description\":{\"type\":[\"null\",\"string\"]}}},\"key_properties\":[\"id\"],\"bookmark_properties\":[\"created_at\"]}";

  private static final String VARIOUS_SCHEMA = "{\"type\":\"SCHEMA\",\"stream\":\"various \\u00e9\",\"schema\":{"
      + "\"properties\":{\"flag\":{\"type\":\"boolean\"},\"i\":{\"type\":[\"integer\",\"null\"]},"
      + "\"day\":{\"type\":[\"null\",\"string\"],\"format\":\"date\"},"
      + "\"clock\":{\"type\":\"string\",\"format\":\"time\"},\"anything\":{},\"nested\":{\"type\":[\"null\",\"object\"],"
      + "\"properties\":{\"x\":{\"type\":\"integer\"}}},\"list\":{\"type\":[\"null\",\"array\"],\"items\":{\"type\":\"string\"}},"
      + "\"name\":{\"type\":\"string\",\"maxLength\":4,\"description\":\"short\"},"
      + "\"small\":{\"type\":[\"null\",\"integer\"],\"minimum\":-5,\"exclusiveMaximum\":100},"
      + "\"old\":{\"type\":\"integer\",\"minimum\":1,\"exclusiveMinimum\":true,\"maximum\":2147483647},"
      + "\"wide\":{\"type\":[\"null\",\"number\"],\"exclusiveMaximum\":true,\"maximum\":1E+38,\"exclusiveMinimum\":true,"
      + "\"minimum\":-1E+38,\"multipleOf\":1E-38},\"upTo\":{\"type\":\"number\",\"maximum\":10.5,\"minimum\":-2}},"
      + "\"required\":[\"flag\"]},\"key_properties\":[]}";

  /** Assertions only the validator checks: a record carrying such a value always goes the ordinary way. */
  private static final String GUARDED_SCHEMA = "{\"type\":\"SCHEMA\",\"stream\":\"guarded\",\"schema\":{"
      + "\"properties\":{\"id\":{\"type\":\"integer\"},\"n\":{\"type\":[\"number\",\"null\"],\"minimum\":0},"
      + "\"code\":{\"type\":\"string\",\"pattern\":\"^[a-z]+$\"},\"ten\":{\"type\":\"number\",\"multipleOf\":10},"
      + "\"half\":{\"type\":\"number\",\"multipleOf\":0.5}}},\"key_properties\":[\"id\"]}";

  private static final String ENUM_SCHEMA = "{\"type\":\"SCHEMA\",\"stream\":\"enums\",\"schema\":{\"type\":\"object\","
      + "\"properties\":{\"a\":{\"type\":\"string\",\"enum\":[\"x\",\"y\"]}}},\"key_properties\":[]}";

  private static final String[] TEXTS = {
    "", "plain", "Grace Shannon", "caf\u00e9", "\u65e5\u672c", "emoji \ud83d\ude00", "quote \" inside", "back\\slash",
    "tab\there", "line\nbreak", "nul\u0000char", "ctrl\u0001", "USD", "EU", "EURO", "2024-01-01T00:00:01Z",
    "2024-02-30T00:00:00Z", "2024-01-01 10:00:00+05:30", "0000-01-01T00:00:00Z", "2024-01-01", "12:30:00",
    "12:30", "25:00:00", "abc", "ABC", "\u00e9\u00e9\u00e9", "x/y", "2024-01-01T00:00:01.123456789-08:00"
  };

  private static final String[] NUMBERS = {
    "0", "-0", "1", "-1", "42", "2652.41", "9726.8", "1.005", "-0.01", "0.50", "123456789012345678",
    "1234567890123456789", "99999999999999999999999", "1e3", "1.5E+2", "-12.000", "10", "20.0", "2.5",
    "3", "100.25", "2147483647", "2147483648", "-9223372036854775808"
  };

  @Test
  void acceptsOnlyWhatTheReaderAndValidatorAccept() {
    Random random = new Random(20261121L);
    List<SchemaMessage> schemas = List.of(schema(ORDERS_SCHEMA), schema(VARIOUS_SCHEMA), schema(GUARDED_SCHEMA), schema(ENUM_SCHEMA));
    FlatScanner scanner = new FlatScanner();
    Map<String, RecordValidator> validators = new LinkedHashMap<>();
    for (SchemaMessage schema : schemas) {
      scanner.schema(schema);
      validators.put(schema.stream(), RecordValidator.compile(schema.schema()));
    }
    int lines = 0;
    int accepted = 0;
    int acceptedOriginals = 0;
    for (int n = 0; n < 3000; n++) {
      SchemaMessage schema = schemas.get(random.nextInt(schemas.size()));
      String line = recordLine(random, schema);
      lines++;
      if (check(scanner, validators, line.getBytes(StandardCharsets.UTF_8))) {
        accepted++;
        acceptedOriginals++;
      }
      for (int m = 0; m < 12; m++) {
        lines++;
        if (check(scanner, validators, mutate(random, line))) {
          accepted++;
        }
      }
    }
    // the check is only worth something when the scanner takes a fair share of the lines
    System.out.println("FlatScannerTest: " + acceptedOriginals + " of 3000 generated lines and " + accepted
        + " of " + lines + " lines in all were read flat");
    assertTrue(acceptedOriginals > 250, "only " + acceptedOriginals + " generated lines were read flat");
    assertTrue(accepted > acceptedOriginals, accepted + " of " + lines + " lines were read flat");
  }

  @Test
  void readsTheBenchmarkShapeFlat() {
    FlatScanner scanner = new FlatScanner();
    scanner.schema(schema(ORDERS_SCHEMA));
    String line = "{\"type\":\"RECORD\",\"stream\":\"orders\",\"record\":{\"id\":1,\"created_at\":\"2024-01-01T00:00:01Z\","
        + "\"customer\":\"Grace Shannon\",\"amount\":2652.41,\"currency\":\"JPY\",\"status\":\"delivered\","
        + "\"description\":\"cudgdk hsthp\"},\"time_extracted\":\"2024-12-31T00:00:00Z\"}";
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    FlatRecord record = scanner.scan(bytes, 0, bytes.length);
    assertNotNull(record);
    assertEquals(FlatRecord.INTEGER, record.kind(0));
    assertEquals(1L, record.longValue(0));
    assertEquals(FlatRecord.ASCII, record.kind(1));
    assertEquals(FlatRecord.DECIMAL, record.kind(3));
    assertEquals("2652.41", new String(record.bytes(), record.start(3), record.end(3) - record.start(3), StandardCharsets.US_ASCII));
    assertEquals("Grace Shannon", record.text(2));
    assertEquals(java.time.Instant.parse("2024-12-31T00:00:00Z"), record.toMessage().timeExtracted());

    // a currency of 4 letters breaks maxLength, a missing key property, a stream without a SCHEMA: the ordinary way
    for (String other : List.of(line.replace("\"JPY\"", "\"JPYX\""), line.replace("\"id\":1,", ""),
        line.replace("\"orders\"", "\"others\""), line.replace("2652.41", "2652.411"))) {
      byte[] otherBytes = other.getBytes(StandardCharsets.UTF_8);
      assertNull(scanner.scan(otherBytes, 0, otherBytes.length), other);
    }
  }

  @Test
  void boundsAreCheckedAsTheValidatorChecksThem() {
    FlatScanner scanner = new FlatScanner();
    SchemaMessage schema = schema(VARIOUS_SCHEMA);
    scanner.schema(schema);
    Map<String, RecordValidator> validators = Map.of(schema.stream(), RecordValidator.compile(schema.schema()));
    String[][] cases = {
      // property, value, read flat (an in-range value) or left to the reader (out of range, or not decidable flat)
      {"upTo", "10.5", "flat"}, {"upTo", "10.50", "flat"}, {"upTo", "-2", "flat"}, {"upTo", "10.51", "tree"},
      {"upTo", "11", "tree"}, {"upTo", "-2.0001", "tree"}, {"small", "-5", "flat"}, {"small", "99", "flat"},
      {"small", "100", "tree"}, {"small", "-6", "tree"}, {"old", "1", "tree"}, {"old", "2", "flat"},
      {"old", "2147483647", "flat"}, {"old", "2147483648", "tree"}, {"wide", "-99999999999999999.5", "flat"},
      {"wide", "123456789012345678.25", "flat"}, {"wide", "100000000000000000000000000000000000000", "tree"},
    };
    for (String[] test : cases) {
      String line = "{\"type\":\"RECORD\",\"stream\":\"various \\u00e9\",\"record\":{\"flag\":true,\"old\":5,\""
          .replace("\\u00e9", "\u00e9") + test[0] + "\":" + test[1] + "}}";
      if (test[0].equals("old")) {
        line = line.replace("\"old\":5,", "");
      }
      boolean flat = check(scanner, validators, line.getBytes(StandardCharsets.UTF_8));
      assertEquals(test[2].equals("flat"), flat, line);
    }
  }

  @Test
  void aNumberTooLongForTheReaderIsLeftToIt() {
    FlatScanner scanner = new FlatScanner();
    scanner.schema(schema("{\"type\":\"SCHEMA\",\"stream\":\"n\",\"schema\":{\"properties\":{\"x\":{\"type\":\"number\"}}},"
        + "\"key_properties\":[]}"));
    for (int digits : new int[] {Json.MAX_NUMBER_LENGTH - 2, Json.MAX_NUMBER_LENGTH + 1}) {
      String line = "{\"type\":\"RECORD\",\"stream\":\"n\",\"record\":{\"x\":1."
          + "0".repeat(digits) + "}}";
      byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
      boolean readerTakesIt;
      try {
        MessageReader.parse(bytes, 0, bytes.length, 1, warning -> { });
        readerTakesIt = true;
      } catch (RuntimeException e) {
        readerTakesIt = false;
      }
      assertEquals(readerTakesIt, scanner.scan(bytes, 0, bytes.length) != null, digits + " digits");
      assertEquals(digits < Json.MAX_NUMBER_LENGTH, readerTakesIt, digits + " digits");
    }
  }

  @Test
  void aStreamWhoseSchemaCannotBeCheckedFlatIsNeverReadFlat() {
    FlatScanner scanner = new FlatScanner();
    scanner.schema(schema(ENUM_SCHEMA));
    byte[] bytes = "{\"type\":\"RECORD\",\"stream\":\"enums\",\"record\":{\"a\":\"x\"}}".getBytes(StandardCharsets.UTF_8);
    assertNull(scanner.scan(bytes, 0, bytes.length));
    // and a later SCHEMA of an ordinary stream replaces nothing of it
    scanner.schema(schema(ORDERS_SCHEMA.replace("\"orders\"", "\"enums\"")));
    byte[] plain = "{\"type\":\"RECORD\",\"stream\":\"enums\",\"record\":{\"id\":3}}".getBytes(StandardCharsets.UTF_8);
    assertNotNull(scanner.scan(plain, 0, plain.length));
  }

  /** Scans a line; when the scanner reads it flat, the reader and validator must agree. True when read flat. */
  private static boolean check(FlatScanner scanner, Map<String, RecordValidator> validators, byte[] bytes) {
    String line = new String(bytes, StandardCharsets.UTF_8);
    // the line sits in a larger buffer with leftovers after it, as in the reader
    byte[] buffer = new byte[bytes.length + 40];
    System.arraycopy(bytes, 0, buffer, 3, bytes.length);
    // what an earlier, longer line left there: bytes that would complete a cut line if read
    byte[] leftovers = "}5\",}\"]0".getBytes(StandardCharsets.US_ASCII);
    for (int i = 3 + bytes.length; i < buffer.length; i++) {
      buffer[i] = leftovers[(i + bytes.length) % leftovers.length];
    }
    FlatRecord flat = scanner.scan(buffer, 3, 3 + bytes.length);
    if (flat == null) {
      return false;
    }
    Message message;
    try {
      message = MessageReader.parse(bytes, 0, bytes.length, 1, warning -> { });
    } catch (RuntimeException e) {
      fail("read flat, but the reader refuses it (" + e.getMessage() + "): " + line);
      return false;
    }
    RecordMessage record = assertInstanceOf(RecordMessage.class, message, line);
    assertEquals(record.stream(), flat.stream(), line);
    assertEquals(List.of(), validators.get(record.stream()).validate(record.record()), line);
    ObjectNode tree = flat.toTree();
    assertEquals(record.record(), tree, line);
    RecordMessage flatMessage = flat.toMessage();
    assertEquals(record.timeExtracted(), flatMessage.timeExtracted(), line);
    assertEquals(record.version(), flat.version(), line);
    FlatLayout layout = flat.layout();
    for (int i = 0; i < layout.size(); i++) {
      JsonNode expected = record.record().get(layout.name(i));
      JsonNode actual = flat.node(i);
      assertEquals(expected, actual, layout.name(i) + " of " + line);
      if (expected != null && expected.isTextual()) {
        assertEquals(expected.textValue(), flat.text(i), line);
      }
      if (expected != null && expected.isIntegralNumber() && flat.kind(i) == FlatRecord.INTEGER) {
        assertEquals(expected.longValue(), flat.longValue(i), line);
      }
    }
    return true;
  }

  private static SchemaMessage schema(String line) {
    return (SchemaMessage) MessageReader.parse(line, 1, warning -> { });
  }

  /** A RECORD line of the schema's stream: mostly fitting values, sometimes not, in varied spellings. */
  private static String recordLine(Random random, SchemaMessage schema) {
    List<String> names = new ArrayList<>();
    schema.properties().fieldNames().forEachRemaining(names::add);
    names.add("unknown");
    StringBuilder record = new StringBuilder("{");
    boolean first = true;
    if (random.nextInt(4) == 0) {
      java.util.Collections.shuffle(names, random);
    }
    for (String name : names) {
      if (name.equals("unknown") ? random.nextInt(12) > 0 : random.nextInt(10) == 0) {
        continue;
      }
      if (!first) {
        record.append(random.nextInt(10) == 0 ? " , " : ",");
      }
      first = false;
      record.append(Json.write(Json.NODES.textNode(name))).append(random.nextInt(10) == 0 ? " : " : ":");
      record.append(value(random, name));
    }
    record.append('}');
    List<String> fields = new ArrayList<>();
    fields.add("\"type\":" + (random.nextInt(30) == 0 ? "\"record\"" : "\"RECORD\""));
    fields.add("\"stream\":" + Json.write(Json.NODES.textNode(schema.stream())));
    fields.add("\"record\":" + record);
    switch (random.nextInt(10)) {
      case 0 -> fields.add("\"time_extracted\":\"2024-12-31T00:00:00Z\"");
      case 1 -> fields.add("\"time_extracted\":\"" + TEXTS[random.nextInt(TEXTS.length)].replace("\\", "").replace("\"", "") + "\"");
      case 2 -> fields.add("\"version\":" + NUMBERS[random.nextInt(NUMBERS.length)]);
      case 3 -> fields.add("\"sequence\":5");
      default -> { }
    }
    if (random.nextInt(8) == 0) {
      java.util.Collections.shuffle(fields, random);
    }
    return "{" + String.join(random.nextInt(10) == 0 ? ", " : ",", fields) + "}";
  }

  private static String value(Random random, String name) {
    if (random.nextInt(25) == 0) {
      return anyValue(random);
    }
    String[] fitting = switch (name) {
      case "id", "i" -> new String[] {"1", "-7", "0", "123456789012345678", "2147483648", "1234567890123456789", "5.0"};
      case "amount" -> new String[] {"2652.41", "0.5", "-0.01", "12", "1.005", "99999999999999999.99", "1e2"};
      case "n" -> new String[] {"0", "1.25", "-1", "3"};
      case "wide" -> new String[] {"1.5", "-99999999999999999.5", "123456789012345678.25", "1e39",
          "100000000000000000000000000000000000000", "-3"};
      case "upTo" -> new String[] {"10.5", "10.50", "10.51", "-2", "-2.0001", "11", "0"};
      case "small" -> new String[] {"0", "-5", "-6", "99", "100", "99.0", "null"};
      case "old" -> new String[] {"2", "1", "2147483647", "2147483648", "0"};
      case "ten" -> new String[] {"10", "20.0", "30", "15"};
      case "half" -> new String[] {"2.5", "3", "1.0", "0.25"};
      case "flag" -> new String[] {"true", "false"};
      case "created_at" -> new String[] {"\"2024-01-01T00:00:01Z\"", "\"2024-01-01T00:00:01.5+05:30\"",
          "\"2024-01-01 10:00:00\"", "\"2024-02-30T00:00:00Z\"", "\"0000-01-01T00:00:00Z\"", "\"2024-01-01\""};
      case "day" -> new String[] {"\"2024-01-31\"", "\"2024-13-01\"", "null"};
      case "name" -> new String[] {"\"\\u00e9t\\u00e9\"", "\"caf\u00e9\"", "\"toolong\"", "\"\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\""};
      case "clock" -> new String[] {"\"12:30:00\"", "\"12:30\"", "\"25:00:00\"", "\"23:59:59.5Z\""};
      case "currency" -> new String[] {"\"USD\"", "\"EU\"", "\"\u00e9\u00e9\u00e9\"", "\"\\u00e9ab\"", "null"};
      case "nested" -> new String[] {"null", "{\"x\":1}"};
      case "list" -> new String[] {"null", "[\"a\"]", "[]"};
      default -> null;
    };
    if (fitting == null) {
      return Json.write(Json.NODES.textNode(TEXTS[random.nextInt(TEXTS.length)]));
    }
    // the first value of each list fits the schema: half the time it is the one
    return fitting[random.nextBoolean() ? 0 : random.nextInt(fitting.length)];
  }

  private static String anyValue(Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> "null";
      case 1 -> random.nextBoolean() ? "true" : "false";
      case 2 -> random.nextBoolean() ? "{\"x\":1}" : "[\"a\",2]";
      case 3, 4 -> NUMBERS[random.nextInt(NUMBERS.length)];
      default -> Json.write(Json.NODES.textNode(TEXTS[random.nextInt(TEXTS.length)]));
    };
  }

  private static final String SIGNIFICANT = "\"{}[],:\\ 0123456789.-+eEtrunfalsRECOD\u00e9\t";

  /** The line with one small change: a byte removed, replaced or added, or the line cut short. */
  private static byte[] mutate(Random random, String line) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    int at = random.nextInt(bytes.length);
    byte[] significant = SIGNIFICANT.getBytes(StandardCharsets.UTF_8);
    byte pick = random.nextInt(8) == 0 ? (byte) random.nextInt(256) : significant[random.nextInt(significant.length)];
    byte[] mutated;
    switch (random.nextInt(4)) {
      case 0 -> {
        mutated = new byte[bytes.length - 1];
        System.arraycopy(bytes, 0, mutated, 0, at);
        System.arraycopy(bytes, at + 1, mutated, at, bytes.length - at - 1);
      }
      case 1 -> {
        mutated = bytes.clone();
        mutated[at] = pick;
      }
      case 2 -> {
        mutated = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, mutated, 0, at);
        mutated[at] = pick;
        System.arraycopy(bytes, at, mutated, at + 1, bytes.length - at);
      }
      default -> mutated = java.util.Arrays.copyOf(bytes, at);
    }
    // lines are read as bytes: a mutation that is not UTF-8 reaches the scanner as it is
    return mutated;
  }
}
