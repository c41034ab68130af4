package dev.tapline.target;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs a target in this JVM with captured stdin, stdout and stderr; and reads fixtures. */
public final class TargetHarness {

  /** The folder of the fixtures inside the test jar. */
  public static final String FIXTURES = "/tapline-target-contract/";

  private TargetHarness() {}

  /** What a run left: its exit code and what it wrote. */
  public record Result(int exitCode, String stdout, String stderr) {

    /** The STATE values echoed on stdout, in order; fails on any other line. */
    public List<JsonNode> states() {
      List<JsonNode> states = new ArrayList<>();
      for (String line : stdout.split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode message = Json.parse(line);
        if (!"STATE".equals(message.path("type").asText())) {
          throw new AssertionError("stdout holds a line that is not a STATE: " + line);
        }
        states.add(message.get("value"));
      }
      return states;
    }

    /** The last state echoed, or null. */
    public JsonNode lastState() {
      List<JsonNode> states = states();
      return states.isEmpty() ? null : states.get(states.size() - 1);
    }
  }

  /** Runs with {@code input} on stdin. */
  public static Result run(Target<?> target, byte[] input, Map<String, String> environment, String... args) {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int code;
    try (PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8)) {
      code = target.execute(new ByteArrayInputStream(input), stdout, err, environment, args);
    }
    return new Result(code, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
  }

  /** Runs with {@code --config config --input input}. */
  public static Result run(Target<?> target, Path config, Path input) {
    return run(target, new byte[0], Map.of(), "--config", config.toString(), "--input", input.toString());
  }

  /** Writes a config file into {@code folder}. */
  public static Path writeConfig(Path folder, ObjectNode config) {
    try {
      Path file = Files.createTempFile(folder, "config", ".json");
      Files.writeString(file, Json.write(config));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The bytes of a fixture of the contract suite. */
  public static byte[] fixture(String name) {
    try (InputStream in = TargetHarness.class.getResourceAsStream(FIXTURES + name)) {
      if (in == null) {
        throw new IllegalArgumentException("No fixture " + FIXTURES + name + " on the test classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies a fixture into a folder and returns its path. */
  public static Path copyFixture(String name, Path folder) {
    try {
      Path file = folder.resolve(name);
      Files.write(file, fixture(name));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lines of a fixture, as text (line {@code n} is at index {@code n - 1}). */
  public static List<String> fixtureLines(String name) {
    return List.of(new String(fixture(name), StandardCharsets.UTF_8).split("\n", -1));
  }
}
