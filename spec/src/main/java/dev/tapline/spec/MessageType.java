package dev.tapline.spec;

import java.util.Locale;

/** The message types of the Singer protocol, with their spelling on the wire. */
public enum MessageType {
  SCHEMA,
  RECORD,
  STATE,
  ACTIVATE_VERSION,
  BATCH;

  /** The type named by {@code text} in any letter case, or {@code null} when it names none. */
  public static MessageType parse(String text) {
    if (text == null) {
      return null;
    }
    switch (text.length()) {
      case 5:
        if (text.equals("STATE")) return STATE;
        if (text.equals("BATCH")) return BATCH;
        break;
      case 6:
        if (text.equals("SCHEMA")) return SCHEMA;
        if (text.equals("RECORD")) return RECORD;
        break;
      default:
        break;
    }
    String upper = text.toUpperCase(Locale.ROOT);
    for (MessageType type : values()) {
      if (type.name().equals(upper)) {
        return type;
      }
    }
    return null;
  }
}
