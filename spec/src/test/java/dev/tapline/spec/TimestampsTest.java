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
}
