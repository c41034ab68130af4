package dev.tapline.target.jsonl;

import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.config.Setting;
import dev.tapline.target.Sink;
import dev.tapline.target.SinkContext;
import dev.tapline.target.StreamFileNames;
import dev.tapline.target.Target;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Loads each stream into {@code <destination_path>/<stream>.jsonl} (or {@code .jsonl.gz}), one
 * record a line, appending; stream names are made safe by {@link StreamFileNames} (no {@code /},
 * no leading {@code .}, so never outside the folder), and two streams that would share a file are
 * refused. Each record is written exactly as the tap sent it (its JSON text copied byte for byte),
 * unless {@code add_record_metadata} or flattening changed it, in which case it is written from the
 * tree with numbers exact.
 *
 * <p>A commit flushes and {@code fsync}s the file (about a millisecond each on a local disk, so
 * negligible at the default batch of 100,000 rows). With {@code compression: gzip} each commit
 * appends one complete gzip member, which every gzip reader reads as one stream. A partial last
 * line (or, for gzip, an incomplete member) left by a killed run is cut off when the file is next
 * opened; those bytes were never committed, so no state covering them was echoed.
 */
public final class JsonlTarget extends Target<JsonlTarget.Settings> {

  /** How the files are compressed. */
  public enum Compression {
    NONE,
    GZIP
  }

  /**
   * @param destinationPath the folder of the files, created when missing
   * @param compression {@code none}, or {@code gzip}: each commit appends one gzip member
   */
  public record Settings(
      @Setting(description = "Folder to write <stream>.jsonl files into; created when missing", defaultValue = "output")
          Path destinationPath,
      @Setting(description = "none, or gzip to write <stream>.jsonl.gz", defaultValue = "none")
          Compression compression) {}

  private final Map<Path, String> streamsByFile = new HashMap<>();

  public JsonlTarget() {
    super("target-jsonl", Settings.class);
  }

  /** Records are written as the exact text they arrived in. */
  @Override
  protected boolean usesRecordText() {
    return true;
  }

  @Override
  protected String description() {
    return "Loads Singer streams into JSON Lines files, one per stream.";
  }

  @Override
  protected Sink sink(SinkContext<Settings> context) {
    Settings settings = context.settings();
    String extension = settings.compression() == Compression.GZIP ? ".jsonl.gz" : ".jsonl";
    Path file = settings.destinationPath().resolve(StreamFileNames.of(context.stream()) + extension).toAbsolutePath();
    String other = streamsByFile.putIfAbsent(file, context.stream());
    if (other != null && !other.equals(context.stream())) {
      throw new ConfigurationException("Streams '" + other + "' and '" + context.stream()
          + "' would both be written to " + file + ". Rename one of them (e.g. with a stream map).");
    }
    return new JsonlSink(file, settings.compression() == Compression.GZIP);
  }

  public static void main(String[] args) {
    Target.main(new JsonlTarget(), args);
  }
}
