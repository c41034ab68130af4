package dev.tapline.tap.http;

import com.fasterxml.jackson.core.JsonPointer;
import dev.tapline.spec.ConfigurationException;

/** Reads JSON Pointers from settings with a clear error. */
final class JsonPointers {

  private JsonPointers() {}

  /** {@code ""} or {@code /a/b}; a bare {@code a/b} or {@code a.b} is read as {@code /a/b}. */
  static JsonPointer compile(String pointer, String what) {
    String text = pointer == null ? "" : pointer.trim();
    if (!text.isEmpty() && !text.startsWith("/")) {
      text = "/" + text.replace('.', '/');
    }
    try {
      return JsonPointer.compile(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(what + " '" + pointer + "' is not a JSON Pointer such as"
          + " /data or /results/items: " + e.getMessage());
    }
  }
}
