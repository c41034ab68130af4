package dev.tapline.spec;

/** A message stream that breaks the Singer protocol: malformed JSON, a missing field, bad order. */
public class ProtocolException extends TaplineException {

  private final long lineNumber;

  public ProtocolException(String message) {
    this(message, 0, null);
  }

  public ProtocolException(String message, long lineNumber, Throwable cause) {
    super(message, cause);
    this.lineNumber = lineNumber;
  }

  /** The 1-based line of the input where the problem was found, or 0 when unknown. */
  public long lineNumber() {
    return lineNumber;
  }
}
