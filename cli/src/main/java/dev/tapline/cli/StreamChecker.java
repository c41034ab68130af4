package dev.tapline.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.MessageType;
import dev.tapline.spec.schema.MessageSchemas;
import dev.tapline.spec.schema.RecordValidator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a Singer message stream line by line, strictly: every line is one JSON object that
 * matches the protocol's schema for its type ({@link MessageSchemas}), and every RECORD matches
 * the latest SCHEMA of its stream, which must come first.
 *
 * <p>Not thread-safe: one checker per stream, fed in line order.
 */
final class StreamChecker {

  /** Counts of one stream's messages. */
  static final class StreamCounts {
    long schemas;
    long records;
    long activateVersions;
    long batches;
  }

  /** One problem found: where, which stream (or {@code null}), and what. */
  record Violation(long lineNumber, String stream, String problem) {
    @Override
    public String toString() {
      return "line " + lineNumber + (stream == null ? " (no stream)" : ", stream \"" + stream + "\"")
          + ": " + problem;
    }
  }

  private static final ObjectReader STRICT_READER =
      Json.mapper().readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final Pattern STREAM_FIELD = Pattern.compile("\"stream\"\\s*:\\s*\"([^\"\\\\]{1,200})\"");
  private static final Pattern LOCATED_PROBLEM = Pattern.compile("^((?:\\$|/)[^:\\s]*|): (.*)$", Pattern.DOTALL);
  private static final int SHOWN_CHARACTERS = 80;

  private final MessageSchemas protocol = MessageSchemas.get();
  private final Consumer<Violation> violations;
  private final Map<String, RecordValidator> validators = new HashMap<>();
  private final Map<String, Long> schemaLines = new HashMap<>();
  private final Map<String, StreamCounts> counts = new LinkedHashMap<>();
  private long messages;
  private long states;
  private long violationCount;

  StreamChecker(Consumer<Violation> violations) {
    this.violations = violations;
  }

  /** Checks one non-blank line; returns {@code true} when it is a valid message. */
  boolean check(String line, long lineNumber) {
    JsonNode node;
    try {
      node = STRICT_READER.readTree(line);
    } catch (JsonProcessingException e) {
      String reason = e.getOriginalMessage().lines().findFirst().orElse("")
          .replaceAll("\\s*\\(start marker at .*$", "")
          .replaceAll("\\s*at \\[Source.*$", "");
      return violation(lineNumber, streamIn(line), "not valid JSON (" + reason + "), possibly a"
          + " truncated line. The line starts: " + startOf(line));
    }
    if (node == null || !node.isObject()) {
      return violation(lineNumber, null, "not a JSON object. The line starts: " + startOf(line));
    }
    JsonNode streamNode = node.get("stream");
    String stream = streamNode != null && streamNode.isTextual() ? streamNode.textValue() : null;
    JsonNode typeNode = node.get("type");
    MessageType type = typeNode != null && typeNode.isTextual() ? typeOf(typeNode.textValue()) : null;
    if (type == null) {
      return violation(lineNumber, stream, typeNode == null
          ? "no \"type\"; a message's type is one of SCHEMA, RECORD, STATE, ACTIVATE_VERSION, BATCH"
          : "unknown message type " + typeNode + "; expected SCHEMA, RECORD, STATE,"
              + " ACTIVATE_VERSION or BATCH (upper case)");
    }
    List<String> problems = protocol.validate(node);
    if (!problems.isEmpty()) {
      return violation(lineNumber, stream, "not a valid " + type + " message: " + readable(problems));
    }
    messages++;
    switch (type) {
      case SCHEMA -> {
        RecordValidator validator;
        try {
          validator = RecordValidator.compile((ObjectNode) node.get("schema"));
        } catch (RuntimeException e) {
          return violation(lineNumber, stream, "the SCHEMA is not a usable JSON Schema: " + e.getMessage());
        }
        validators.put(stream, validator);
        schemaLines.put(stream, lineNumber);
        countsOf(stream).schemas++;
      }
      case RECORD -> {
        RecordValidator validator = validators.get(stream);
        if (validator == null) {
          return violation(lineNumber, stream, "RECORD before the stream's SCHEMA; a tap writes a"
              + " stream's SCHEMA before its first RECORD");
        }
        List<String> recordProblems = validator.validate(node.get("record"));
        if (!recordProblems.isEmpty()) {
          return violation(lineNumber, stream, "the RECORD does not match the stream's SCHEMA (line "
              + schemaLines.get(stream) + "): " + readable(recordProblems));
        }
        countsOf(stream).records++;
      }
      case STATE -> states++;
      case ACTIVATE_VERSION -> countsOf(stream).activateVersions++;
      case BATCH -> countsOf(stream).batches++;
      default -> throw new IllegalStateException(type.name());
    }
    return true;
  }

  private boolean violation(long lineNumber, String stream, String problem) {
    violationCount++;
    violations.accept(new Violation(lineNumber, stream, problem));
    return false;
  }

  private StreamCounts countsOf(String stream) {
    return counts.computeIfAbsent(stream, name -> new StreamCounts());
  }

  private static MessageType typeOf(String text) {
    for (MessageType type : MessageType.values()) {
      if (type.name().equals(text)) {
        return type;
      }
    }
    return null;
  }

  /**
   * Validator problems in words: {@code /date: integer found, string expected} becomes {@code
   * property "date": integer found, string expected}; a problem of the whole object loses its
   * empty location.
   */
  static String readable(List<String> problems) {
    List<String> texts = new ArrayList<>(problems.size());
    for (String problem : problems) {
      Matcher location = LOCATED_PROBLEM.matcher(problem);
      if (!location.matches()) {
        texts.add(problem);
        continue;
      }
      String path = location.group(1).replaceFirst("^(\\$\\.?|/)", "").replace('/', '.');
      texts.add(path.isEmpty() ? location.group(2) : "property \"" + path + "\": " + location.group(2));
    }
    return String.join("; ", texts);
  }

  /** The stream name of a line that is not valid JSON, when it can be seen. */
  private static String streamIn(String line) {
    Matcher matcher = STREAM_FIELD.matcher(line);
    return matcher.find() ? matcher.group(1) : null;
  }

  private static String startOf(String line) {
    return line.length() > SHOWN_CHARACTERS ? line.substring(0, SHOWN_CHARACTERS) + "..." : line;
  }

  /** Valid messages seen. */
  long messages() {
    return messages;
  }

  long states() {
    return states;
  }

  long violationCount() {
    return violationCount;
  }

  /** Counts per stream, in the order streams first appeared. */
  Map<String, StreamCounts> counts() {
    return counts;
  }
}
