package dev.tapline.spec.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.SpecVersionDetector;
import com.networknt.schema.ValidationMessage;
import dev.tapline.spec.Timestamps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks records against a stream's JSON Schema. The schema is compiled once; {@link #validate} is
 * then cheap and thread-safe.
 *
 * <p>Schemas made of the keywords Singer schemas use are checked by a compiled validator that
 * allocates nothing for valid records; other schemas (with {@code $ref}, {@code patternProperties},
 * ...) by networknt's complete validator. Numbers are compared with decimal arithmetic, so {@code
 * -4.8} is a multiple of {@code 0.1}.
 * The JSON Schema draft is the one the schema declares in {@code $schema}, else draft 4 when it
 * uses draft-4 boolean {@code exclusiveMaximum}/{@code exclusiveMinimum}, else draft 7. {@code format}
 * {@code date-time} accepts the timestamps Singer tools write (RFC 3339, a space for the {@code T},
 * or no offset); the complete validator checks it on top-level properties only.
 */
public final class RecordValidator {

  private final CompiledSchema fast;
  private final JsonSchema schema;
  private final List<String> dateTimeProperties;

  private RecordValidator(CompiledSchema fast, JsonSchema schema, List<String> dateTimeProperties) {
    this.fast = fast;
    this.schema = schema;
    this.dateTimeProperties = dateTimeProperties;
  }

  /**
   * Whether the schema is checked by the compiled validator (made of the keywords Singer schemas
   * use), rather than by the complete one.
   */
  public static boolean isCompiled(ObjectNode streamSchema) {
    return CompiledSchema.supports(streamSchema);
  }

  /** Compiles a stream's schema. */
  public static RecordValidator compile(ObjectNode streamSchema) {
    if (CompiledSchema.supports(streamSchema)) {
      return new RecordValidator(CompiledSchema.compile(streamSchema), null, List.of());
    }
    SpecVersion.VersionFlag version = versionOf(streamSchema);
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(version);
    SchemaValidatorsConfig config =
        SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(false)
            .failFast(false)
            .build();
    JsonSchema compiled = factory.getSchema(streamSchema, config);
    compiled.initializeValidators();
    List<String> dateTimes = new ArrayList<>();
    JsonNode properties = streamSchema.get("properties");
    if (properties != null && properties.isObject()) {
      for (Map.Entry<String, JsonNode> property : properties.properties()) {
        if (PropertyType.of(property.getValue()).kind() == PropertyType.Kind.DATE_TIME) {
          dateTimes.add(property.getKey());
        }
      }
    }
    return new RecordValidator(null, compiled, List.copyOf(dateTimes));
  }

  /** The problems of a record, each naming the property; empty when the record is valid. */
  public List<String> validate(JsonNode record) {
    if (fast != null) {
      return fast.valid(record) ? List.of() : fast.explain(record);
    }
    Set<ValidationMessage> messages = schema.validate(record);
    List<String> problems = new ArrayList<>(messages.size());
    for (ValidationMessage message : messages) {
      problems.add(message.getMessage());
    }
    for (String property : dateTimeProperties) {
      JsonNode value = record.get(property);
      if (value != null && value.isTextual() && !Timestamps.isTimestamp(value.textValue())) {
        problems.add("$." + property + ": \"" + abbreviate(value.textValue())
            + "\" is not a date-time (RFC 3339, e.g. 2024-01-31T12:00:00Z)");
      }
    }
    return problems;
  }

  private static String abbreviate(String text) {
    return text.length() > 60 ? text.substring(0, 60) + "..." : text;
  }

  private static SpecVersion.VersionFlag versionOf(ObjectNode schema) {
    if (schema.has("$schema")) {
      try {
        return SpecVersionDetector.detect(schema);
      } catch (RuntimeException unknown) {
        return SpecVersion.VersionFlag.V7;
      }
    }
    return usesBooleanExclusive(schema) ? SpecVersion.VersionFlag.V4 : SpecVersion.VersionFlag.V7;
  }

  private static boolean usesBooleanExclusive(JsonNode node) {
    if (node.isObject()) {
      JsonNode max = node.get("exclusiveMaximum");
      JsonNode min = node.get("exclusiveMinimum");
      if ((max != null && max.isBoolean()) || (min != null && min.isBoolean())) {
        return true;
      }
    }
    for (JsonNode child : node) {
      if (child.isContainerNode() && usesBooleanExclusive(child)) {
        return true;
      }
    }
    return false;
  }
}
