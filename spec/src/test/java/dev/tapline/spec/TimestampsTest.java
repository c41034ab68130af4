package dev.tapline.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.api.Test;

class TimestampsTest {

  @Test
  void readsTheFormsSingerToolsWrite() {
    Instant expected = Instant.parse("2024-01-02T03:04:05Z");
    assertEquals(expected, Timestamps.parse("2024-01-02T03:04:05Z"));
    assertEquals(expected, Timestamps.parse("2024-01-02T03:04:05.000000Z"));
    assertEquals(expected, Timestamps.parse("2024-01-02T03:04:05+00:00"));
    assertEquals(expected, Timestamps.parse("2024-01-02T04:04:05+01:00"));
    assertEquals(expected, Timestamps.parse("2024-01-02T04:04:05+0100"));
    assertEquals(expected, Timestamps.parse("2024-01-02 03:04:05"));
    assertEquals(expected, Timestamps.parse("2024-01-02t03:04:05z"));
    assertEquals(Instant.parse("2024-01-02T00:00:00Z"), Timestamps.parse("2024-01-02"));
    assertEquals(Instant.parse("2024-01-02T03:04:00Z"), Timestamps.parse("2024-01-02T03:04"));
  }

  @Test
  void keepsTheOffsetWhenAsked() {
    assertEquals("+05:30", Timestamps.parseOffset("2024-01-02T03:04:05+05:30").getOffset().getId());
  }

  @Test
  void rejectsWhatIsNotATimestamp() {
    assertThrows(DateTimeParseException.class, () -> Timestamps.parse("yesterday"));
    assertTrue(Timestamps.tryParse("2024-13-40").isEmpty());
  }

  @Test
  void writesUtcWithZ() {
    assertEquals("2024-01-02T03:04:05.120Z", Timestamps.format(Instant.parse("2024-01-02T03:04:05.12Z")));
    assertEquals("2024-01-02T01:04:05Z", Timestamps.format(Timestamps.parseOffset("2024-01-02T03:04:05+02:00")));
  }

  @Test
  void fastChecksAgreeWithTheParser() {
    for (String text : new String[] {
        "2024-01-02T03:04:05Z", "2024-01-02T03:04:05.000000Z", "2024-01-02T03:04:05+00:00",
        "2024-01-02T04:04:05+0100", "2024-01-02 03:04:05", "2024-01-02", "2024-01-02T03:04",
        "2024-02-29T00:00:00-05", "2024-01-02t03:04:05z"}) {
      assertTrue(Timestamps.isTimestamp(text), text);
      assertTrue(Timestamps.tryParse(text).isPresent(), text);
    }
    for (String text : new String[] {
        "", "2024", "2023-02-29", "2024-13-01", "2024-01-02T25:00:00Z", "2024-01-02T03:04:05ZZ",
        "2024-01-02T03:04:05.Z", "2024-01-02X03:04:05", "yesterday", "2024-01-02T03:04:05+1"}) {
      assertTrue(!Timestamps.isTimestamp(text), text);
    }
    assertTrue(Timestamps.isDate("2024-02-29"));
    assertTrue(!Timestamps.isDate("2024-02-30"));
    assertTrue(Timestamps.isTime("23:59:59.123+02:00"));
    assertTrue(!Timestamps.isTime("24:00"));
  }
}
