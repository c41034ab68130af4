package dev.tapline.target.jdbc.contract;

import dev.tapline.spec.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What one run of a target left: its exit code, the lines it wrote on stdout and its stderr.
 *
 * @param exitCode the code {@code execute} returned
 * @param stdout everything written on stdout
 * @param stderr everything written on stderr
 */
public record TargetProcess(int exitCode, String stdout, String stderr) {

  /** The values of the STATE lines echoed, in order. */
  public List<JsonNode> states() {
    List<JsonNode> states = new ArrayList<>();
    for (String line : stdout.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode message = Json.parse(line);
      if ("STATE".equals(message.path("type").asText())) {
        states.add(message.get("value"));
      }
    }
    return states;
  }

  /** The last state echoed, or null. */
  public JsonNode lastState() {
    List<JsonNode> states = states();
    return states.isEmpty() ? null : states.get(states.size() - 1);
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
