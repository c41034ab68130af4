package dev.tapline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;

/** Opens the state backend a project declares under {@code state:}. */
final class StateBackends {

  static final String DEFAULT_FOLDER = ".tapline/state";

  private StateBackends() {}

  /**
   * @throws dev.tapline.spec.ConfigurationException when a variable it uses is not set, or the
   *     database cannot be reached
   */
  static StateBackend open(Project project, Map<String, String> environment) {
    JsonNode state = project.state();
    Interpolation interpolation = new Interpolation(environment);
    String backend = state.path("backend").asText("file");
    if ("postgres".equals(backend)) {
      String url = interpolation.resolve(state.path("url").asText(), "state.url");
      String user = interpolation.resolve(text(state, "user"), "state.user");
      String password = interpolation.resolve(text(state, "password"), "state.password");
      String schema = interpolation.resolve(state.path("schema").asText("public"), "state.schema");
      interpolation.check(project.file());
      return new PostgresStateBackend(url, user, password, schema);
    }
    String folder = interpolation.resolve(state.path("path").asText(DEFAULT_FOLDER), "state.path");
    interpolation.check(project.file());
    return new FileStateBackend(project.folder().resolve(Path.of(folder)));
  }

  private static String text(JsonNode node, String key) {
    JsonNode value = node.get(key);
    return value == null || value.isNull() ? null : value.asText();
  }
}
