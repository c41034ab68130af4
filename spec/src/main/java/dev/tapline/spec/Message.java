package dev.tapline.spec;

/**
 * One Singer message: a line of JSON on a tap's stdout or a target's stdin.
 *
 * <p>Messages are immutable values. {@link MessageReader} makes them from lines and {@link
 * MessageWriter} turns them back into lines.
 */
public sealed interface Message
    permits SchemaMessage, RecordMessage, StateMessage, ActivateVersionMessage, BatchMessage {

  /** The message type as written on the wire: {@code SCHEMA}, {@code RECORD}, ... */
  MessageType type();
}
