package dev.tapline.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One record of a stream.
 *
 * <p>The record object is not copied: whoever builds a message hands the object over and does not
 * change it afterwards.
 *
 * @param stream the stream name, never null
 * @param record the record, never null; numbers are exact ({@code BigDecimal}/{@code BigInteger})
 * @param timeExtracted when the tap read the record, or null
 * @param version the table version for ACTIVATE_VERSION, or null
 */
public record RecordMessage(String stream, ObjectNode record, Instant timeExtracted, Long version)
    implements Message {

  public RecordMessage {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(record, "record");
  }

  public RecordMessage(String stream, ObjectNode record) {
    this(stream, record, null, null);
  }

  @Override
  public MessageType type() {
    return MessageType.RECORD;
  }
}
