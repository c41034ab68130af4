package dev.tapline.tap.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.tap.Invocation;
import dev.tapline.tap.Tap;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One run of a tap's command line with captured stdout and stderr.
 *
 * @param exitCode what {@link Tap#execute} returned
 * @param stdout everything written to stdout
 * @param stderr everything written to stderr
 */
public record TapRun(int exitCode, String stdout, String stderr) {

  /** Runs the tap with an empty environment. */
  public static TapRun run(Tap<?> tap, String... args) {
    return run(tap, Map.of(), args);
  }

  /** Runs the tap with the given environment variables. */
  public static TapRun run(Tap<?> tap, Map<String, String> environment, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
    int code = tap.execute(
        new Invocation(new ByteArrayInputStream(new byte[0]), out, errors, environment), args);
    errors.flush();
    return new TapRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The non-blank stdout lines, each parsed as JSON. */
  public List<JsonNode> messages() {
    List<JsonNode> messages = new ArrayList<>();
    for (String line : stdout.split("\n")) {
      if (!line.isBlank()) {
        messages.add(Json.parse(line));
      }
    }
    return messages;
  }

  /** The RECORD messages' records of one stream, in order. */
  public List<ObjectNode> records(String stream) {
    List<ObjectNode> records = new ArrayList<>();
    for (JsonNode message : messages()) {
      if ("RECORD".equals(message.path("type").asText())
          && stream.equals(message.path("stream").asText())) {
        records.add((ObjectNode) message.get("record"));
      }
    }
    return records;
  }

  /** The value of the last STATE message, or null when there is none. */
  public JsonNode lastState() {
    JsonNode last = null;
    for (JsonNode message : messages()) {
      if ("STATE".equals(message.path("type").asText())) {
        last = message.get("value");
      }
    }
    return last;
  }

  /** The SCHEMA messages of one stream. */
  public List<JsonNode> schemas(String stream) {
    List<JsonNode> schemas = new ArrayList<>();
    for (JsonNode message : messages()) {
      if ("SCHEMA".equals(message.path("type").asText())
          && stream.equals(message.path("stream").asText())) {
        schemas.add(message);
      }
    }
    return schemas;
  }

  /** A failure message for assertions: the exit code and stderr. */
  public String describe() {
    return "exit code " + exitCode + ", stderr:\n" + stderr;
  }
}
