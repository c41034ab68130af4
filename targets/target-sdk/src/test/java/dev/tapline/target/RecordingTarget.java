package dev.tapline.target;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.RecordMessage;
import dev.tapline.spec.config.Setting;
import java.util.ArrayList;
import java.util.List;

/**
 * A target whose sinks write what happens to them into one event list, in order: {@code write
 * <stream> <record>} (the record's text as received when the SDK hands it over, else the tree), {@code commit <stream>}, {@code activate <stream> <version>}, {@code abort
 * <stream>}, {@code close <stream>}. Tests read it together with the echoed states.
 */
final class RecordingTarget extends Target<RecordingTarget.Settings> {

  record Settings(
      @Setting(description = "A token, to see that secrets stay out of output", secret = true, required = false)
          String token,
      @Setting(description = "Fail the commit of this stream", required = false) String failCommitOf) {}

  final List<String> events;
  final List<SinkContext<Settings>> contexts = new ArrayList<>();

  RecordingTarget(List<String> events) {
    super("target-recording", Settings.class);
    this.events = events;
  }

  /** This target's own setting defaults (see {@link Target#settingDefaults()}); none unless a test puts some. */
  final ObjectNode defaults = dev.tapline.spec.Json.object();

  @Override
  protected ObjectNode settingDefaults() {
    return defaults;
  }

  /** Records the text sinks are handed, so tests see what a file target would write. */
  @Override
  protected boolean usesRecordText() {
    return true;
  }

  @Override
  protected Sink sink(SinkContext<Settings> context) {
    contexts.add(context);
    String stream = context.stream();
    return new Sink() {
      @Override
      public void write(ObjectNode record, RecordMessage message) {
        events.add("write " + stream + " " + record);
      }

      @Override
      public void write(ObjectNode record, RecordMessage message, byte[] json) {
        events.add("write " + stream + " " + new String(json, java.nio.charset.StandardCharsets.UTF_8));
      }

      @Override
      public void commit() {
        if (stream.equals(context.settings().failCommitOf())) {
          throw new IllegalStateException("the destination refused the batch of " + stream
              + " (token " + context.settings().token() + ")");
        }
        events.add("commit " + stream);
      }

      @Override
      public void activateVersion(long version) {
        events.add("activate " + stream + " " + version);
      }

      @Override
      public void abort() {
        events.add("abort " + stream);
      }

      @Override
      public void close() {
        events.add("close " + stream);
      }
    };
  }
}
