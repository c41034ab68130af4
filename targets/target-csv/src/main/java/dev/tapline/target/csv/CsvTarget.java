package dev.tapline.target.csv;

import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.config.Setting;
import dev.tapline.target.Sink;
import dev.tapline.target.SinkContext;
import dev.tapline.target.StreamFileNames;
import dev.tapline.target.Target;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads each stream into {@code <destination_path>/<stream>.csv}: a header row of the schema's
 * properties in schema order, then one row per record. Nested objects and arrays are written as
 * JSON text, nulls as empty cells, numbers exactly as received.
 *
 * <p>An existing file is appended to when its header row is exactly the header of the stream's
 * current schema. When the columns differ (the schema changed since the file was written, or
 * within the run), the rows go to a new file {@code <stream>-<UTC timestamp>.csv} instead, so no
 * file ever mixes two layouts; a warning names the new file.
 *
 * <p>A commit flushes and {@code fsync}s the file. A partial last row left by a killed run (never
 * committed, so never covered by an echoed state) is cut off when the file is next opened; the
 * file is scanned from the start for the last line end outside quotes, since cells may hold line
 * ends.
 */
public final class CsvTarget extends Target<CsvTarget.Settings> {

  /**
   * @param destinationPath the folder of the files, created when missing
   * @param delimiter the character between cells
   * @param quotechar the character around cells that hold the delimiter, the quote character or a
   *     line end (doubled inside such a cell)
   */
  public record Settings(
      @Setting(description = "Folder to write <stream>.csv files into; created when missing", defaultValue = "output")
          Path destinationPath,
      @Setting(description = "The character between cells", defaultValue = ",") char delimiter,
      @Setting(description = "The character that quotes a cell", defaultValue = "\"\\\"\"") char quotechar) {}

  private final Map<Path, String> streamsByFile = new HashMap<>();

  public CsvTarget() {
    super("target-csv", Settings.class);
  }

  @Override
  protected String description() {
    return "Loads Singer streams into CSV files, one per stream, with a header row.";
  }

  @Override
  protected Sink sink(SinkContext<Settings> context) {
    Settings settings = context.settings();
    List<String> problems = new ArrayList<>();
    if (settings.delimiter() == settings.quotechar()) {
      problems.add("delimiter and quotechar must differ (both are '" + settings.delimiter() + "')");
    }
    for (char c : new char[] {settings.delimiter(), settings.quotechar()}) {
      if (c == '\n' || c == '\r') {
        problems.add("delimiter and quotechar cannot be a line end");
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException("The config of target-csv has problems", problems);
    }
    Path folder = settings.destinationPath().toAbsolutePath();
    String name = StreamFileNames.of(context.stream());
    String other = streamsByFile.putIfAbsent(folder.resolve(name), context.stream());
    if (other != null && !other.equals(context.stream())) {
      throw new ConfigurationException("Streams '" + other + "' and '" + context.stream()
          + "' would both be written to " + folder.resolve(name + ".csv")
          + ". Rename one of them (e.g. with a stream map).");
    }
    return new CsvSink(folder, name, context.properties(), settings.delimiter(), settings.quotechar());
  }

  public static void main(String[] args) {
    Target.main(new CsvTarget(), args);
  }
}
