package dev.tapline.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A project file, {@code tapline.yml}: the plugins (taps, targets, mappers), the pipelines that
 * join them, and the state backend. Values are kept as written: {@code ${VARIABLE}} references are
 * resolved only when a pipeline runs ({@link Interpolation}), so listing runs or exporting
 * schedules needs no secrets.
 *
 * <p>{@link #load} reports every problem of the file at once, each with its path in the file
 * ({@code pipelines.orders.tap}), as one {@link ConfigurationException}.
 */
record Project(
    Path file,
    Map<String, Plugin> taps,
    Map<String, Plugin> targets,
    Map<String, Plugin> mappers,
    Map<String, Pipeline> pipelines,
    JsonNode state,
    JsonNode defaultNotifications) {

  static final String FILE_NAME = "tapline.yml";

  /** What a plugin is for; the key of its section in the file. */
  enum Kind {
    TAP("taps"),
    TARGET("targets"),
    MAPPER("mappers");

    final String section;

    Kind(String section) {
      this.section = section;
    }
  }

  /**
   * A tap, target or mapper. {@code executable} is a path or a name on {@code PATH}, or {@code
   * null} for a mapper run by this {@code tapline} ({@code tapline map}).
   */
  record Plugin(
      String name,
      Kind kind,
      String executable,
      JsonNode config,
      List<String> select,
      JsonNode metadata,
      String catalog,
      List<String> args) {}

  /** A notification: where to send a run's summary, and on which outcomes. */
  record Notification(Set<String> on, String webhook, Map<String, String> headers, List<String> command, int retries) {}

  /** A pipeline: a tap, mappers in order, a target, and how it is run. */
  record Pipeline(
      String name,
      String tap,
      List<String> mappers,
      String target,
      String schedule,
      int retries,
      double retryBackoffSeconds,
      long stopTimeoutSeconds,
      List<Notification> notifications) {}

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");
  private static final Set<String> TOP_LEVEL = Set.of("taps", "targets", "mappers", "pipelines", "state", "notify");
  private static final Set<String> PLUGIN_KEYS =
      Set.of("executable", "config", "select", "metadata", "catalog", "args");
  private static final Set<String> PIPELINE_KEYS = Set.of(
      "tap", "mappers", "target", "schedule", "retries", "retry_backoff_seconds", "stop_timeout_seconds", "notify");
  private static final Set<String> NOTIFY_KEYS = Set.of("on", "webhook", "headers", "command", "retries");
  static final Set<String> OUTCOMES = Set.of("failure", "success");

  /** The project file given with {@code --project}, else {@code tapline.yml} in {@code folder}. */
  static Path locate(Path given, Path folder) {
    if (given != null) {
      Path file = given.toAbsolutePath().normalize();
      if (!Files.isRegularFile(file)) {
        throw new ConfigurationException("The project file " + given + " does not exist.");
      }
      return file;
    }
    Path file = folder.resolve(FILE_NAME).toAbsolutePath().normalize();
    if (!Files.isRegularFile(file)) {
      throw new ConfigurationException("No project file " + FILE_NAME + " in " + folder.toAbsolutePath()
          + ": give one with --project FILE. (To run a tap into a target without a project, give"
          + " TAP TARGET --state-file FILE.)");
    }
    return file;
  }

  static Project load(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    } catch (JsonProcessingException e) {
      JsonLocation where = e.getLocation();
      String at = where == null ? "" : " line " + where.getLineNr() + ", column " + where.getColumnNr();
      throw new ConfigurationException("The project file " + file + at + " is not valid YAML: "
          + e.getOriginalMessage() + ".");
    } catch (IOException e) {
      throw new ConfigurationException("Cannot read the project file " + file + ": " + e.getMessage(), e);
    }
    return new Parser(file).parse(root);
  }

  /** The folder relative paths in the file are resolved against. */
  Path folder() {
    return file.getParent();
  }

  Pipeline pipeline(String name) {
    Pipeline pipeline = pipelines.get(name);
    if (pipeline == null) {
      throw new ConfigurationException("No pipeline \"" + name + "\" in " + file + "; its pipelines: "
          + String.join(", ", pipelines.keySet()) + ".");
    }
    return pipeline;
  }

  private static final class Parser {
    private final Path file;
    private final List<String> problems = new ArrayList<>();

    Parser(Path file) {
      this.file = file;
    }

    Project parse(JsonNode root) {
      if (root == null || root.isMissingNode() || root.isNull()) {
        throw new ConfigurationException("The project file " + file + " is empty: it needs pipelines,"
            + " taps and targets.");
      }
      if (!root.isObject()) {
        throw new ConfigurationException("The project file " + file + " must be a mapping at the top"
            + " (taps:, targets:, mappers:, pipelines:, state:).");
      }
      unknownKeys(root, "", TOP_LEVEL);
      Map<String, Plugin> taps = plugins(root, Kind.TAP);
      Map<String, Plugin> targets = plugins(root, Kind.TARGET);
      Map<String, Plugin> mappers = plugins(root, Kind.MAPPER);
      List<Notification> defaults = notifications(root.get("notify"), "notify");
      Map<String, Pipeline> pipelines = new LinkedHashMap<>();
      JsonNode section = root.get("pipelines");
      if (section == null || !section.isObject() || section.isEmpty()) {
        problems.add("pipelines: missing; declare at least one pipeline (name: {tap: ..., target: ...})");
      } else {
        section.fields().forEachRemaining(entry -> {
          Pipeline pipeline = pipeline(entry.getKey(), entry.getValue(), taps, targets, mappers, defaults);
          if (pipeline != null) {
            pipelines.put(pipeline.name(), pipeline);
          }
        });
      }
      JsonNode state = root.path("state");
      checkState(state);
      if (!problems.isEmpty()) {
        throw new ConfigurationException("The project file " + file + " has " + problems.size()
            + (problems.size() == 1 ? " problem: " : " problems: ") + String.join("; ", problems) + ".");
      }
      return new Project(file, taps, targets, mappers, pipelines,
          state.isMissingNode() ? Json.object() : state, root.path("notify"));
    }

    private Map<String, Plugin> plugins(JsonNode root, Kind kind) {
      Map<String, Plugin> plugins = new LinkedHashMap<>();
      JsonNode section = root.get(kind.section);
      if (section == null || section.isNull()) {
        return plugins;
      }
      if (!section.isObject()) {
        problems.add(kind.section + ": must be a mapping of plugin names to their settings");
        return plugins;
      }
      section.fields().forEachRemaining(entry -> {
        String name = entry.getKey();
        String path = kind.section + "." + name;
        if (!NAME.matcher(name).matches()) {
          problems.add(path + ": a plugin name is letters, digits, '_', '.', '-' (up to 100)");
          return;
        }
        JsonNode node = entry.getValue();
        if (node == null || node.isNull()) {
          node = Json.object();
        }
        if (!node.isObject()) {
          problems.add(path + ": must be a mapping (executable:, config:, ...)");
          return;
        }
        unknownKeys(node, path + ".", PLUGIN_KEYS);
        String executable = text(node, "executable", path);
        if (executable == null && kind != Kind.MAPPER) {
          executable = name;
        }
        JsonNode config = node.path("config");
        if (!config.isMissingNode() && !config.isObject()) {
          problems.add(path + ".config: must be a mapping of settings");
        }
        List<String> select = strings(node.get("select"), path + ".select");
        JsonNode metadata = node.path("metadata");
        if (!metadata.isMissingNode() && !metadata.isObject()) {
          problems.add(path + ".metadata: must be a mapping of stream (or stream.property) to metadata");
        }
        if (kind != Kind.TAP && (node.has("select") || node.has("metadata") || node.has("catalog"))) {
          problems.add(path + ": select, metadata and catalog apply to taps only");
        }
        plugins.put(name, new Plugin(name, kind, executable,
            config.isObject() ? config : Json.object(), select,
            metadata.isObject() ? metadata : Json.object(), text(node, "catalog", path),
            strings(node.get("args"), path + ".args")));
      });
      return plugins;
    }

    private Pipeline pipeline(
        String name,
        JsonNode node,
        Map<String, Plugin> taps,
        Map<String, Plugin> targets,
        Map<String, Plugin> mappers,
        List<Notification> defaults) {
      String path = "pipelines." + name;
      if (!NAME.matcher(name).matches()) {
        problems.add(path + ": a pipeline name is letters, digits, '_', '.', '-' (up to 100), starting"
            + " with a letter or digit");
        return null;
      }
      if (node == null || !node.isObject()) {
        problems.add(path + ": must be a mapping (tap:, target:, ...)");
        return null;
      }
      unknownKeys(node, path + ".", PIPELINE_KEYS);
      String tap = reference(node, "tap", path, taps, Kind.TAP);
      String target = reference(node, "target", path, targets, Kind.TARGET);
      List<String> mapperNames = strings(node.get("mappers"), path + ".mappers");
      for (int index = 0; index < mapperNames.size(); index++) {
        if (!mappers.containsKey(mapperNames.get(index))) {
          problems.add(path + ".mappers[" + index + "]: unknown mapper \"" + mapperNames.get(index) + "\""
              + known(mappers));
        }
      }
      String schedule = text(node, "schedule", path);
      if (schedule != null) {
        String problem = Cron.problem(schedule);
        if (problem != null) {
          problems.add(path + ".schedule: " + problem);
        }
      }
      int retries = (int) number(node, "retries", path, 0, 0, 100);
      double backoff = number(node, "retry_backoff_seconds", path, 10, 0, 86_400);
      long stopTimeout = (long) number(node, "stop_timeout_seconds", path, 30, 1, 86_400);
      List<Notification> notifications = new ArrayList<>(defaults);
      notifications.addAll(notifications(node.get("notify"), path + ".notify"));
      return new Pipeline(name, tap, mapperNames, target, schedule, retries, backoff, stopTimeout,
          List.copyOf(notifications));
    }

    private List<Notification> notifications(JsonNode node, String path) {
      List<Notification> notifications = new ArrayList<>();
      if (node == null || node.isNull()) {
        return notifications;
      }
      if (!node.isArray()) {
        problems.add(path + ": must be a list of notifications ({webhook: URL} or {command: [...]})");
        return notifications;
      }
      for (int index = 0; index < node.size(); index++) {
        JsonNode item = node.get(index);
        String itemPath = path + "[" + index + "]";
        if (!item.isObject()) {
          problems.add(itemPath + ": must be a mapping ({webhook: URL} or {command: [...]})");
          continue;
        }
        unknownKeys(item, itemPath + ".", NOTIFY_KEYS);
        List<String> on = item.has("on") ? strings(item.get("on"), itemPath + ".on") : List.of("failure");
        for (String outcome : on) {
          if (!OUTCOMES.contains(outcome)) {
            problems.add(itemPath + ".on: \"" + outcome + "\" is not failure or success");
          }
        }
        String webhook = text(item, "webhook", itemPath);
        List<String> command = strings(item.get("command"), itemPath + ".command");
        if ((webhook == null) == command.isEmpty()) {
          problems.add(itemPath + ": give either webhook: URL or command: [program, args...]");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode headerNode = item.path("headers");
        if (headerNode.isObject()) {
          headerNode.fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
        } else if (!headerNode.isMissingNode()) {
          problems.add(itemPath + ".headers: must be a mapping of header names to values");
        }
        int retries = (int) number(item, "retries", itemPath, 3, 0, 20);
        notifications.add(new Notification(Set.copyOf(on), webhook, headers, command, retries));
      }
      return notifications;
    }

    private void checkState(JsonNode state) {
      if (state.isMissingNode() || state.isNull()) {
        return;
      }
      if (!state.isObject()) {
        problems.add("state: must be a mapping (backend: file|postgres, ...)");
        return;
      }
      String backend = state.path("backend").asText("file");
      switch (backend) {
        case "file" -> unknownKeys(state, "state.", Set.of("backend", "path"));
        case "postgres" -> {
          unknownKeys(state, "state.", Set.of("backend", "url", "user", "password", "schema"));
          if (!state.path("url").isTextual()) {
            problems.add("state.url: the postgres backend needs a JDBC URL (jdbc:postgresql://host:5432/db)");
          }
        }
        default -> problems.add("state.backend: \"" + backend + "\" is not file or postgres");
      }
    }

    private String reference(JsonNode node, String key, String path, Map<String, Plugin> plugins, Kind kind) {
      String name = text(node, key, path);
      if (name == null) {
        problems.add(path + "." + key + ": missing; name one of the " + kind.section + known(plugins));
        return null;
      }
      if (!plugins.containsKey(name)) {
        problems.add(path + "." + key + ": unknown " + kind.name().toLowerCase() + " \"" + name + "\"" + known(plugins));
      }
      return name;
    }

    private static String known(Map<String, Plugin> plugins) {
      return plugins.isEmpty() ? " (none is declared)" : " (declared: " + String.join(", ", plugins.keySet()) + ")";
    }

    private String text(JsonNode node, String key, String path) {
      JsonNode value = node.get(key);
      if (value == null || value.isNull()) {
        return null;
      }
      if (!value.isTextual() || value.textValue().isBlank()) {
        problems.add(path + "." + key + ": must be a non-empty text");
        return null;
      }
      return value.textValue();
    }

    private double number(JsonNode node, String key, String path, double fallback, double minimum, double maximum) {
      JsonNode value = node.get(key);
      if (value == null || value.isNull()) {
        return fallback;
      }
      if (!value.isNumber() || value.doubleValue() < minimum || value.doubleValue() > maximum) {
        problems.add(path + "." + key + ": must be a number from " + (long) minimum + " to " + (long) maximum);
        return fallback;
      }
      return value.doubleValue();
    }

    private List<String> strings(JsonNode node, String path) {
      if (node == null || node.isNull()) {
        return List.of();
      }
      if (node.isTextual()) {
        return List.of(node.textValue());
      }
      List<String> values = new ArrayList<>();
      if (!node.isArray()) {
        problems.add(path + ": must be a list of texts");
        return values;
      }
      for (int index = 0; index < node.size(); index++) {
        JsonNode item = node.get(index);
        if (item.isValueNode() && !item.isNull()) {
          values.add(item.asText());
        } else {
          problems.add(path + "[" + index + "]: must be a text");
        }
      }
      return List.copyOf(values);
    }

    private void unknownKeys(JsonNode node, String prefix, Set<String> known) {
      Iterator<String> names = node.fieldNames();
      while (names.hasNext()) {
        String key = names.next();
        if (!known.contains(key)) {
          problems.add(prefix + key + ": unknown key (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
        }
      }
    }
  }

  /** The plugin's config as an object, for callers that interpolate it. */
  static ObjectNode configOf(Plugin plugin) {
    return plugin.config().isObject() ? (ObjectNode) plugin.config() : Json.object();
  }
}
