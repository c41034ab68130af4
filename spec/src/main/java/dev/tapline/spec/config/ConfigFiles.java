package dev.tapline.spec.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reads the config of an executable from several sources, later ones winning key by key: files
 * given with {@code --config FILE}, and the word {@code ENV}, which reads {@code PREFIX_SETTING}
 * environment variables.
 */
public final class ConfigFiles {

  /** The {@code --config} value that reads environment variables. */
  public static final String ENVIRONMENT = "ENV";

  private ConfigFiles() {}

  /**
   * Merges the sources into one config object.
   *
   * @param sources file paths, or {@link #ENVIRONMENT}
   * @param binder the settings binder (for the names to look up in the environment)
   * @param prefix the environment prefix, e.g. {@code TAP_CSV}
   * @param environment the environment variables
   */
  public static ObjectNode merge(
      List<String> sources, SettingsBinder<?> binder, String prefix, Map<String, String> environment) {
    ObjectNode merged = Json.object();
    for (String source : sources) {
      if (ENVIRONMENT.equals(source)) {
        merged.setAll(binder.fromEnvironment(prefix, environment));
        continue;
      }
      JsonNode config = Json.read(Path.of(source));
      if (!(config instanceof ObjectNode object)) {
        throw new ConfigurationException(
            "Config file " + source + " must hold a JSON object of settings, not " + config.getNodeType() + ".");
      }
      merged.setAll(object);
    }
    return merged;
  }
}
