package dev.tapline.target.jsonl;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.RecordMessage;
import dev.tapline.target.AppendOnlyFile;
import dev.tapline.target.Sink;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Appends records as JSON lines; {@link #commit()} forces them to the disk. */
final class JsonlSink implements Sink {

  private final AppendOnlyFile file;
  private final boolean gzip;
  private final Destination destination = new Destination();
  private final JsonGenerator generator;
  private GZIPOutputStream member;

  JsonlSink(Path path, boolean gzip) {
    if (gzip) {
      cutIncompleteMember(path);
    }
    this.file = AppendOnlyFile.open(path, !gzip);
    this.gzip = gzip;
    try {
      this.generator = Json.factory().createGenerator(destination);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    generator.setPrettyPrinter(new MinimalPrettyPrinter(""));
    generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    generator.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
    generator.enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
  }

  /** Cuts off a gzip member that a killed run left incomplete, so the file stays readable. */
  private static void cutIncompleteMember(Path path) {
    if (!java.nio.file.Files.exists(path)) {
      return;
    }
    long complete = GzipMembers.completeLength(path);
    try (java.nio.channels.FileChannel channel =
        java.nio.channels.FileChannel.open(path, java.nio.file.StandardOpenOption.WRITE)) {
      if (complete < channel.size()) {
        dev.tapline.spec.Log.of(JsonlSink.class).warn(path + " ends in " + (channel.size() - complete)
            + " bytes that are not a complete gzip member (left by an interrupted run, never committed): cut them off");
        channel.truncate(complete);
        channel.force(true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot repair " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void write(ObjectNode record, RecordMessage message) {
    try {
      if (gzip && member == null) {
        member = new GZIPOutputStream(new Unclosable(file.output()), 1 << 16);
      }
      Json.writeTree(generator, record);
      generator.writeRaw('\n');
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file.path() + ": " + e.getMessage(), e);
    }
  }

  /** Copies the record's text as received: the exact JSON the tap sent, numbers untouched. */
  @Override
  public void write(ObjectNode record, RecordMessage message, byte[] json) {
    try {
      if (gzip && member == null) {
        member = new GZIPOutputStream(new Unclosable(file.output()), 1 << 16);
      }
      generator.flush();
      destination.write(json, 0, json.length);
      destination.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file.path() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void commit() {
    try {
      generator.flush();
      if (member != null) {
        member.finish();
        member = null;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file.path() + ": " + e.getMessage(), e);
    }
    file.commit();
  }

  @Override
  public void abort() {
    member = null;
    destination.discarding = true;
    file.abort();
  }

  @Override
  public void close() {
    try {
      generator.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file.path() + ": " + e.getMessage(), e);
    } finally {
      file.close();
    }
  }

  /** Where the generator writes: the open gzip member, or the file itself. */
  private final class Destination extends OutputStream {
    boolean discarding;

    @Override
    public void write(int b) throws IOException {
      if (!discarding) {
        current().write(b);
      }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      if (!discarding) {
        current().write(bytes, offset, length);
      }
    }

    private OutputStream current() {
      return member != null ? member : file.output();
    }
  }

  private static final class Unclosable extends OutputStream {
    private final OutputStream out;

    Unclosable(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      out.write(bytes, offset, length);
    }

    @Override
    public void close() {}
  }
}
