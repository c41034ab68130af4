package dev.tapline.spec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/**
 * Writes Singer messages, one JSON object a line, in one strict form: upper-case types, {@code
 * key_properties} always present, {@code time_extracted} in UTC with {@code Z}, numbers exactly as
 * they are held, UTF-8.
 *
 * <p>Output is buffered: it is flushed after each STATE message (so checkpoints travel promptly)
 * and on {@link #flush()} and {@link #close()} (so records travel in bulk). Not thread-safe.
 */
public final class MessageWriter implements Closeable, Flushable {

  private final OutputStream out;
  private final JsonGenerator generator;
  private Instant lastInstant;
  private String lastInstantText;

  /** A writer on {@code out}; {@link #close()} flushes and closes {@code out} too. */
  public MessageWriter(OutputStream out) {
    this.out = new BufferedOutputStream(out, 1 << 16);
    try {
      this.generator = Json.factory().createGenerator(this.out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    generator.setPrettyPrinter(new MinimalPrettyPrinter(""));
    generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    generator.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
    generator.enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
  }

  /** Writes one message. */
  public void write(Message message) {
    if (message instanceof RecordMessage m) {
      writeRecord(m.stream(), m.record(), m.timeExtracted(), m.version());
    } else if (message instanceof SchemaMessage m) {
      writeSchema(m);
    } else if (message instanceof StateMessage m) {
      writeState(m.value());
    } else if (message instanceof ActivateVersionMessage m) {
      writeActivateVersion(m.stream(), m.version());
    } else if (message instanceof BatchMessage m) {
      writeBatch(m);
    }
  }

  /** Writes a RECORD without building a message object first. */
  public void writeRecord(String stream, ObjectNode record, Instant timeExtracted, Long version) {
    try {
      generator.writeStartObject();
      generator.writeStringField("type", "RECORD");
      generator.writeStringField("stream", stream);
      generator.writeFieldName("record");
      writeNode(record);
      if (version != null) {
        generator.writeNumberField("version", version);
      }
      if (timeExtracted != null) {
        generator.writeStringField("time_extracted", format(timeExtracted));
      }
      generator.writeEndObject();
      generator.writeRaw('\n');
    } catch (IOException e) {
      throw failed(e);
    }
  }

  private void writeSchema(SchemaMessage message) {
    try {
      generator.writeStartObject();
      generator.writeStringField("type", "SCHEMA");
      generator.writeStringField("stream", message.stream());
      generator.writeFieldName("schema");
      writeNode(message.schema());
      writeStrings("key_properties", message.keyProperties());
      if (!message.bookmarkProperties().isEmpty()) {
        writeStrings("bookmark_properties", message.bookmarkProperties());
      }
      generator.writeEndObject();
      generator.writeRaw('\n');
    } catch (IOException e) {
      throw failed(e);
    }
  }

  /** Writes a STATE and flushes, so the checkpoint reaches the reader now. */
  public void writeState(JsonNode value) {
    try {
      generator.writeStartObject();
      generator.writeStringField("type", "STATE");
      generator.writeFieldName("value");
      writeNode(value);
      generator.writeEndObject();
      generator.writeRaw('\n');
    } catch (IOException e) {
      throw failed(e);
    }
    flush();
  }

  private void writeActivateVersion(String stream, long version) {
    try {
      generator.writeStartObject();
      generator.writeStringField("type", "ACTIVATE_VERSION");
      generator.writeStringField("stream", stream);
      generator.writeNumberField("version", version);
      generator.writeEndObject();
      generator.writeRaw('\n');
    } catch (IOException e) {
      throw failed(e);
    }
  }

  private void writeBatch(BatchMessage message) {
    try {
      generator.writeStartObject();
      generator.writeStringField("type", "BATCH");
      generator.writeStringField("stream", message.stream());
      generator.writeFieldName("encoding");
      writeNode(message.encoding());
      writeStrings("manifest", message.manifest());
      generator.writeEndObject();
      generator.writeRaw('\n');
    } catch (IOException e) {
      throw failed(e);
    }
  }

  private void writeStrings(String field, List<String> values) throws IOException {
    generator.writeArrayFieldStart(field);
    for (String value : values) {
      generator.writeString(value);
    }
    generator.writeEndArray();
  }

  private String format(Instant instant) {
    if (!instant.equals(lastInstant)) {
      lastInstant = instant;
      lastInstantText = Timestamps.format(instant);
    }
    return lastInstantText;
  }

  private void writeNode(JsonNode node) throws IOException {
    Json.writeTree(generator, node);
  }

  /** Pushes everything written so far to the output stream. */
  @Override
  public void flush() {
    try {
      generator.flush();
      out.flush();
    } catch (IOException e) {
      throw failed(e);
    }
  }

  /** Flushes and closes the output stream. */
  @Override
  public void close() {
    try {
      generator.close();
      out.close();
    } catch (IOException e) {
      throw failed(e);
    }
  }

  private static UncheckedIOException failed(IOException e) {
    return new UncheckedIOException("Cannot write messages to the output: " + e.getMessage(), e);
  }
}
