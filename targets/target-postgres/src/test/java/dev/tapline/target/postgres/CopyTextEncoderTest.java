package dev.tapline.target.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CopyTextEncoderTest {

  private static String encode(String... values) {
    CopyTextEncoder encoder = new CopyTextEncoder(4);
    encoder.appendLong(7);
    for (String value : values) {
      encoder.separator();
      encoder.appendValue(value);
    }
    encoder.endRow();
    return new String(encoder.buffer(), 0, encoder.size(), StandardCharsets.UTF_8);
  }

  @Test
  void escapesTheCharactersCopyGivesMeaning() {
    assertEquals("7\ta\\tb\\nc\\rd\\\\e\n", encode("a\tb\nc\rd\\e"));
    assertEquals("7\t\\N\t\n", encode(null, ""));
  }

  @Test
  void writesUtf8IncludingCharactersBeyondTheBasicPlane() {
    String text = "Καλημέρα コンニチハ 😀 ß";
    assertEquals("7\t" + text + "\n", encode(text));
  }
}
