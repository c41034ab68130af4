package dev.tapline.target;

import dev.tapline.spec.Message;
import dev.tapline.spec.MessageReader;
import dev.tapline.spec.SchemaMessage;
import java.nio.charset.StandardCharsets;

/**
 * For tests outside the target SDK: how many lines of an input the SDK's reading thread reads as
 * {@link FlatRecord}s, so a test comparing the flat and the tree path can show that the flat path
 * carried the records it compares.
 */
public final class FlatScans {

  private FlatScans() {}

  /** The RECORD lines of {@code messages} (one message a line) that the SDK reads flat. */
  public static int flatRecords(String messages) {
    FlatScanner scanner = new FlatScanner();
    int flat = 0;
    long lineNumber = 0;
    for (String line : messages.split("\n")) {
      lineNumber++;
      byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
      if (scanner.scan(bytes, 0, bytes.length) != null) {
        flat++;
        continue;
      }
      Message message = MessageReader.parse(bytes, 0, bytes.length, lineNumber, warning -> { });
      if (message instanceof SchemaMessage schema) {
        scanner.schema(schema);
      }
    }
    return flat;
  }
}
