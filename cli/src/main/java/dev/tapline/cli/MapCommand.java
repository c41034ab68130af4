package dev.tapline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code tapline map --config FILE}: a Singer filter between a tap and a target (stdin to stdout)
 * that renames streams and properties, drops, hashes or masks properties, filters records and adds
 * computed properties, rewriting SCHEMA messages to match.
 */
@Command(
    name = "map",
    mixinStandardHelpOptions = true,
    versionProvider = Tapline.ManifestVersion.class,
    description = {
      "Reads Singer messages on stdin and writes them mapped on stdout: tap | tapline map --config"
          + " map.json | target.",
      "Config (JSON or YAML): {\"hash_salt\": \"...\", \"streams\": {\"customers\": {\"rename\":"
          + " \"clients\", \"filter\": \"record.active\", \"properties\": {\"email\": \"hash\","
          + " \"notes\": \"drop\", \"phone\": {\"mask\": {\"keep_last\": 4}}, \"id\": {\"rename\":"
          + " \"customer_id\"}}, \"add\": {\"domain\": {\"expression\": \"...\", \"schema\": {...}}}}}}.",
      "Expressions are Apache Commons JEXL 3 over the variable record."
    })
final class MapCommand implements Callable<Integer> {

  static final long METRIC_MILLIS = 10_000;

  @ParentCommand Tapline tapline;

  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", required = true, description = "The mapping (JSON or YAML).")
  Path config;

  @Option(names = "--input", paramLabel = "FILE", description = "Read this file instead of stdin.")
  Path input;

  @Override
  public Integer call() throws IOException {
    return map(tapline.standardInput(), tapline.standardOutput(), spec.commandLine().getErr());
  }

  /**
   * {@code tapline map --config FILE [--input FILE]} without picocli, for the processes the runner
   * starts: picocli's classes are Java 5 bytecode, which class-data sharing cannot hold, so
   * building its command line costs a mapper about 0.1 s of CPU at every start. Only the plain
   * forms are taken here; anything else (help, version, a mistake) returns {@code null} and goes
   * through picocli as usual.
   *
   * @return the exit code, or {@code null} when {@code args} are not a plain map command line
   */
  static Integer direct(String[] args, Map<String, String> environment, InputStream in, OutputStream out, PrintWriter err) {
    if (args.length < 2 || !args[0].equals("map")) {
      return null;
    }
    String config = null;
    String input = null;
    for (int index = 1; index < args.length; index++) {
      String argument = args[index];
      String value;
      String option;
      int equals = argument.indexOf('=');
      if (equals > 0 && argument.startsWith("--")) {
        option = argument.substring(0, equals);
        value = argument.substring(equals + 1);
      } else if (index + 1 < args.length && !args[index + 1].startsWith("-")) {
        option = argument;
        value = args[++index];
      } else {
        return null;
      }
      if (option.equals("--config") && config == null && !value.isEmpty()) {
        config = value;
      } else if (option.equals("--input") && input == null && !value.isEmpty()) {
        input = value;
      } else {
        return null;
      }
    }
    if (config == null) {
      return null;
    }
    MapCommand command = new MapCommand();
    command.config = Path.of(config);
    command.input = input == null ? null : Path.of(input);
    try {
      return command.map(in, out, err);
    } catch (Exception e) {
      return Tapline.failure(e, err, Tapline.debug(environment));
    } finally {
      err.flush();
    }
  }

  private int map(InputStream standardInput, OutputStream standardOutput, PrintWriter err) throws IOException {
    if (!Files.isRegularFile(config)) {
      throw new ConfigurationException("--config " + config + " does not exist or is not a file.");
    }
    JsonNode node = readConfig(config);
    InputStream in = input != null ? Files.newInputStream(input) : standardInput;
    // stdout carries only messages; the real stdout descriptor, not picocli's writer
    MapperConfig mapping = MapperConfig.parse(node);
    Mapper mapper = new Mapper(mapping);
    FastMapper fast = new FastMapper(mapper, mapping, warning -> err.println("WARN  " + warning));
    // the mapper writes in blocks of its own: no buffer in between
    try (InputStream input = in; OutputStream out = standardOutput) {
      fast.run(input, out, counts -> metrics(counts, err), METRIC_MILLIS);
    }
    return 0;
  }

  /**
   * The config as JSON (what the runner writes, read without loading a YAML parser), else as YAML.
   */
  static JsonNode readConfig(Path config) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(config);
    } catch (IOException e) {
      throw new ConfigurationException("Cannot read the mapper config " + config + ": " + e.getMessage());
    }
    int first = 0;
    while (first < bytes.length && Character.isWhitespace(bytes[first])) {
      first++;
    }
    if (first < bytes.length && bytes[first] == '{') {
      try {
        return Json.mapper().readTree(bytes);
      } catch (IOException notJson) {
        // a YAML flow mapping ({a: b}) is not JSON: the YAML parser reads it below
      }
    }
    try {
      return new ObjectMapper(new YAMLFactory()).readTree(bytes);
    } catch (IOException e) {
      throw new ConfigurationException("The mapper config " + config + " is not valid JSON or YAML: " + e.getMessage());
    }
  }

  private final Map<String, long[]> reported = new java.util.HashMap<>();

  /** Singer counters since the last report: {@code record_count} and {@code byte_count} per stream. */
  private void metrics(Map<String, Mapper.Counts> counts, PrintWriter err) {
    counts.forEach((stream, count) -> {
      long[] before = reported.computeIfAbsent(stream, key -> new long[2]);
      long records = count.records - before[0];
      long bytes = count.bytes - before[1];
      before[0] = count.records;
      before[1] = count.bytes;
      String tags = "{\"stream\":" + Json.write(Json.NODES.textNode(stream)) + "}";
      err.println("INFO  METRIC: {\"type\":\"counter\",\"metric\":\"record_count\",\"value\":" + records + ",\"tags\":" + tags + "}");
      err.println("INFO  METRIC: {\"type\":\"counter\",\"metric\":\"byte_count\",\"value\":" + bytes + ",\"tags\":" + tags + "}");
    });
    err.flush();
  }

}
