package dev.tapline.spec;

/** The root of Tapline's exceptions. Every message says what was wrong, where, and what to do. */
public class TaplineException extends RuntimeException {

  public TaplineException(String message) {
    super(message);
  }

  public TaplineException(String message, Throwable cause) {
    super(message, cause);
  }
}
