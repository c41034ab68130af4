package dev.tapline.spec;

import java.util.Objects;

/**
 * Says that the records of {@code version} are now the whole content of the stream: rows of older
 * versions are to be deleted (softly or hard, as the target is set up).
 */
public record ActivateVersionMessage(String stream, long version) implements Message {

  public ActivateVersionMessage {
    Objects.requireNonNull(stream, "stream");
  }

  @Override
  public MessageType type() {
    return MessageType.ACTIVATE_VERSION;
  }
}
