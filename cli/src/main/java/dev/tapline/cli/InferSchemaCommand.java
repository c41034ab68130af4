package dev.tapline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import dev.tapline.spec.SchemaMessage;
import dev.tapline.spec.MessageWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code tapline infer-schema [FILE]}: a Singer schema from a sample of JSON lines. */
@Command(
    name = "infer-schema",
    mixinStandardHelpOptions = true,
    versionProvider = Tapline.ManifestVersion.class,
    description = {
      "Reads JSON lines (plain objects, or Singer RECORD messages) and prints the JSON Schema that"
          + " fits the first --sample of them: types per property (null when a property is missing"
          + " or null in some record), nested objects and arrays, date-time and date formats.",
      "With --stream NAME it prints a SCHEMA message instead (with --key for key properties)."
    })
final class InferSchemaCommand implements Callable<Integer> {

  private static final Pattern DATE_TIME =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?");
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

  @ParentCommand Tapline tapline;

  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "JSON lines to read (default: stdin; - too).")
  String file;

  @Option(names = "--sample", paramLabel = "N", defaultValue = "1000", description = "Lines read (default: ${DEFAULT-VALUE}).")
  int sample;

  @Option(names = "--stream", paramLabel = "NAME", description = "Print a SCHEMA message for this stream.")
  String stream;

  @Option(names = "--key", paramLabel = "PROPERTY", description = "A key property of the SCHEMA message (repeatable).")
  List<String> keys = new ArrayList<>();

  /** What the sampled values of one place in the records looked like. */
  static final class Shape {
    final TreeSet<String> types = new TreeSet<>();
    boolean allDateTimes = true;
    boolean allDates = true;
    long present;
    final Map<String, Shape> properties = new LinkedHashMap<>();
    long objects;
    Shape items;

    void add(JsonNode value) {
      present++;
      if (value == null || value.isNull()) {
        types.add("null");
      } else if (value.isBoolean()) {
        types.add("boolean");
      } else if (value.isIntegralNumber()) {
        types.add("integer");
      } else if (value.isNumber()) {
        types.add("number");
      } else if (value.isTextual()) {
        types.add("string");
        String text = value.textValue();
        allDateTimes &= DATE_TIME.matcher(text).matches() && text.length() > 10;
        allDates &= DATE.matcher(text).matches();
      } else if (value.isObject()) {
        types.add("object");
        objects++;
        value.fields().forEachRemaining(field -> properties.computeIfAbsent(field.getKey(), key -> new Shape()).add(field.getValue()));
      } else if (value.isArray()) {
        types.add("array");
        if (items == null) {
          items = new Shape();
        }
        value.forEach(items::add);
      }
    }

    ObjectNode schema(boolean missingSometimes) {
      ObjectNode schema = Json.object();
      TreeSet<String> all = new TreeSet<>(types);
      if (all.contains("integer") && all.contains("number")) {
        all.remove("integer");
      }
      if (missingSometimes) {
        all.add("null");
      }
      List<String> order = new ArrayList<>();
      for (String type : List.of("object", "array", "string", "number", "integer", "boolean", "null")) {
        if (all.contains(type)) {
          order.add(type);
        }
      }
      if (order.isEmpty() || order.equals(List.of("null"))) {
        // only nulls seen: any value may come
        return schema;
      }
      if (order.size() == 1) {
        schema.put("type", order.get(0));
      } else {
        ArrayNode array = schema.putArray("type");
        order.forEach(array::add);
      }
      if (all.contains("string") && order.stream().filter(t -> !t.equals("null")).count() == 1) {
        if (allDates) {
          schema.put("format", "date");
        } else if (allDateTimes) {
          schema.put("format", "date-time");
        }
      }
      if (all.contains("object")) {
        ObjectNode properties = schema.putObject("properties");
        properties(properties);
      }
      if (all.contains("array") && items != null) {
        schema.set("items", items.schema(false));
      }
      return schema;
    }

    void properties(ObjectNode target) {
      properties.forEach((name, shape) -> target.set(name, shape.schema(shape.present < objects)));
    }
  }

  @Override
  public Integer call() throws IOException {
    if (sample < 1) {
      throw new ConfigurationException("--sample must be at least 1.");
    }
    if (!keys.isEmpty() && stream == null) {
      throw new ConfigurationException("--key needs --stream (keys belong to a SCHEMA message).");
    }
    InputStream in;
    String source;
    if (file == null || file.equals("-")) {
      in = tapline.standardInput();
      source = "stdin";
    } else {
      Path path = Path.of(file);
      if (!Files.isRegularFile(path)) {
        throw new ConfigurationException(file + " does not exist or is not a file.");
      }
      in = Files.newInputStream(path);
      source = file;
    }
    Shape root = new Shape();
    long lines = 0;
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while (lines < sample && (line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        lines++;
        JsonNode node;
        try {
          node = Json.mapper().readTree(line);
        } catch (IOException e) {
          throw new ConfigurationException(source + " line " + lines + " is not JSON: "
              + (line.length() > 80 ? line.substring(0, 80) + "..." : line));
        }
        if (node.isObject() && "RECORD".equalsIgnoreCase(node.path("type").asText()) && node.path("record").isObject()) {
          node = node.get("record");
        }
        if (!node.isObject()) {
          throw new ConfigurationException(source + " line " + lines + " is not a JSON object.");
        }
        root.add(node);
      }
    }
    if (lines == 0) {
      throw new ConfigurationException(source + " holds no JSON lines to infer a schema from.");
    }
    ObjectNode schema = Json.object();
    schema.put("type", "object");
    root.properties(schema.putObject("properties"));
    PrintWriter err = spec.commandLine().getErr();
    err.println("INFO  Inferred from " + lines + " records of " + source + ".");
    err.flush();
    if (stream != null) {
      for (String key : keys) {
        if (!schema.path("properties").has(key)) {
          throw new ConfigurationException("--key " + key + ": no record of the sample has that property.");
        }
      }
      try (MessageWriter writer = new MessageWriter(tapline.standardOutput())) {
        writer.write(new SchemaMessage(stream, schema, keys));
      }
    } else {
      PrintWriter out = spec.commandLine().getOut();
      out.println(Json.writePretty(schema));
      out.flush();
    }
    return 0;
  }
}
