package dev.tapline.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordTextTest {

  private static String recordOf(String line) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    long span = RecordText.find(bytes, 0, bytes.length);
    return span < 0 ? null : new String(bytes, (int) (span >>> 32), (int) span - (int) (span >>> 32), StandardCharsets.UTF_8);
  }

  @Test
  void findsTheRecordObjectAsWritten() {
    assertEquals("{\"id\": 1, \"amount\": 1.50}",
        recordOf("{\"type\": \"RECORD\", \"stream\": \"s\", \"record\": {\"id\": 1, \"amount\": 1.50}, \"version\": 3}"));
    assertEquals("{\"a\":{\"b\":[1,{\"c\":\"}\"}]}}",
        recordOf("  {\"record\":{\"a\":{\"b\":[1,{\"c\":\"}\"}]}},\"type\":\"RECORD\",\"stream\":\"s\"}\r"));
  }

  @Test
  void isNotFooledByStringsThatLookLikeKeysOrBraces() {
    assertEquals("{\"q\":\"\\\"record\\\": {\"}",
        recordOf("{\"stream\":\"record\",\"note\":\"\\\"record\\\":{x}\",\"record\":{\"q\":\"\\\"record\\\": {\"},\"type\":\"RECORD\"}"));
    assertEquals("{\"k\":\"Καλημέρα \\u548c\"}", recordOf("{\"type\":\"RECORD\",\"record\":{\"k\":\"Καλημέρα \\u548c\"}}"));
  }

  @Test
  void takesTheLastOfRepeatedKeysAsTheParserDoes() {
    assertEquals("{\"id\":2}", recordOf("{\"record\":{\"id\":1},\"record\":{\"id\":2}}"));
  }

  @Test
  void givesNothingForOddLines() {
    assertNull(recordOf("{\"type\":\"RECORD\",\"record\":[1,2]}"));
    assertNull(recordOf("{\"type\":\"RECORD\",\"stream\":\"s\"}"));
    assertNull(recordOf("[{\"record\":{}}]"));
    assertNull(recordOf("{\"record\":{\"id\":1}"));
  }
}
