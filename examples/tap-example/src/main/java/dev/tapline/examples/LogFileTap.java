package dev.tapline.examples;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import dev.tapline.spec.config.Setting;
import dev.tapline.tap.StreamSpec;
import dev.tapline.tap.Tap;
import dev.tapline.tap.TapStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The example tap, run as {@code tap-example}: the lines of a log file matching a pattern, as the
 * stream {@code lines}.
 */
public final class LogFileTap extends Tap<LogFileTap.Settings> {

  private static final Pattern NAMED_GROUP = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");

  public record Settings(
      @Setting(description = "The log file") Path path,
      @Setting(description = "A regular expression; each named group is a property, 'timestamp' the"
          + " replication key", defaultValue = "^(?<timestamp>\\S+) (?<level>[A-Z]+) (?<message>.*)$")
          String pattern,
      @Setting(description = "Earliest timestamp read by a first run", required = false)
          Optional<Instant> startDate) {}

  @Override
  public String name() {
    return "tap-example";
  }

  @Override
  protected List<TapStream> streams(Settings settings) {
    Pattern pattern = Pattern.compile(settings.pattern());
    List<String> groups = NAMED_GROUP.matcher(settings.pattern()).results().map(m -> m.group(1)).toList();
    if (!groups.contains("timestamp") || !Files.isRegularFile(settings.path())) {
      throw new ConfigurationException("'pattern' needs a (?<timestamp>...) group and 'path' a log file: " + settings.path());
    }
    ObjectNode schema = Json.object().put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    properties.putObject("line").put("type", "integer");
    groups.forEach(group -> properties.putObject(group).putArray("type").add("string").add("null"));
    properties.putObject("timestamp").put("type", "string").put("format", "date-time");
    StreamSpec spec = StreamSpec.of("lines", schema).withKeyProperties("line").withReplicationKey("timestamp", true);
    return List.of(TapStream.of(spec, context -> {
      AtomicLong lineNumber = new AtomicLong();
      return lines(settings.path()).map(line -> record(pattern.matcher(line), lineNumber.incrementAndGet(), groups))
          .filter(Objects::nonNull);
    }));
  }

  private static ObjectNode record(Matcher match, long lineNumber, List<String> groups) {
    if (!match.matches()) {
      return null;
    }
    ObjectNode record = Json.object().put("line", lineNumber);
    groups.forEach(group -> record.put(group, match.group(group)));
    return record;
  }

  private static Stream<String> lines(Path path) {
    try {
      return Files.lines(path);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  public static void main(String[] args) {
    Tap.main(new LogFileTap(), args);
  }
}
