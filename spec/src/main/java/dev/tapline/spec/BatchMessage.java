package dev.tapline.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * Points at files holding records of a stream (the Meltano SDK's BATCH extension).
 *
 * @param stream the stream name
 * @param encoding e.g. {@code {"format": "jsonl", "compression": "gzip"}}
 * @param manifest file URIs
 */
public record BatchMessage(String stream, ObjectNode encoding, List<String> manifest)
    implements Message {

  public BatchMessage {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(encoding, "encoding");
    manifest = manifest == null ? List.of() : List.copyOf(manifest);
  }

  @Override
  public MessageType type() {
    return MessageType.BATCH;
  }
}
