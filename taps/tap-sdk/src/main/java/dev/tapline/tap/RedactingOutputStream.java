package dev.tapline.tap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Passes text through line by line, replacing every secret value with {@code ********}. Everything
 * the tap writes to stderr (logs, metrics, errors) goes through one of these.
 */
final class RedactingOutputStream extends OutputStream {

  static final String MASK = "********";

  private final OutputStream target;
  private final List<String> secrets = new CopyOnWriteArrayList<>();
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

  RedactingOutputStream(OutputStream target) {
    this.target = target;
  }

  /** Adds values to mask from now on; blank values are ignored. */
  void addSecrets(List<String> values) {
    for (String value : values) {
      if (value != null && !value.isBlank() && !secrets.contains(value)) {
        secrets.add(value);
      }
    }
  }

  String redact(String text) {
    String result = text;
    for (String secret : secrets) {
      result = result.replace(secret, MASK);
    }
    return result;
  }

  @Override
  public synchronized void write(int b) throws IOException {
    line.write(b);
    if (b == '\n') {
      emit();
    }
  }

  @Override
  public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
    int start = offset;
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      if (bytes[i] == '\n') {
        line.write(bytes, start, i + 1 - start);
        emit();
        start = i + 1;
      }
    }
    line.write(bytes, start, end - start);
  }

  @Override
  public synchronized void flush() throws IOException {
    emit();
    target.flush();
  }

  private void emit() throws IOException {
    if (line.size() == 0) {
      return;
    }
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    target.write((secrets.isEmpty() ? text : redact(text)).getBytes(StandardCharsets.UTF_8));
    target.flush();
  }
}
