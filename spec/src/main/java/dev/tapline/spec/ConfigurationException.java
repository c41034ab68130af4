package dev.tapline.spec;

import java.util.List;

/** Settings, catalog or state files that cannot be used. Command lines exit with code 2. */
public class ConfigurationException extends TaplineException {

  private final List<String> problems;

  public ConfigurationException(String message) {
    super(message);
    this.problems = List.of(message);
  }

  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
    this.problems = List.of(message);
  }

  /** Several problems found together, reported at once. */
  public ConfigurationException(String heading, List<String> problems) {
    super(heading + (problems.isEmpty() ? "" : ":\n  - " + String.join("\n  - ", problems)));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
