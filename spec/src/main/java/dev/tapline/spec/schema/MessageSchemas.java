package dev.tapline.spec.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.tapline.spec.Json;
import dev.tapline.spec.MessageType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Singer protocol written down as data: one JSON Schema per message type (the files under
 * {@code spec/schemas/}), used to check a message stream strictly. Where {@link
 * dev.tapline.spec.MessageReader} is lenient (a SCHEMA without {@code key_properties}, a lower-case
 * type), these schemas are what the protocol says.
 */
public final class MessageSchemas {

  private static final String ROOT = "/dev/tapline/spec/schemas/";

  private final JsonSchema envelope;
  private final Map<MessageType, JsonSchema> byType = new EnumMap<>(MessageType.class);

  private MessageSchemas() {
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
    SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    envelope = factory.getSchema(load("message.schema.json"), config);
    for (MessageType type : MessageType.values()) {
      byType.put(type, factory.getSchema(load(fileName(type)), config));
    }
  }

  private static final class Holder {
    static final MessageSchemas INSTANCE = new MessageSchemas();
  }

  public static MessageSchemas get() {
    return Holder.INSTANCE;
  }

  /** The file name of a type's schema, e.g. {@code activate_version.schema.json}. */
  public static String fileName(MessageType type) {
    return type.name().toLowerCase(Locale.ROOT) + ".schema.json";
  }

  /** The schema of a message type, as JSON. */
  public static JsonNode schemaOf(MessageType type) {
    return load(fileName(type));
  }

  /**
   * The protocol violations of one parsed line; empty when it is a valid message. A line whose
   * {@code type} is not a Singer message type is a violation.
   */
  public List<String> validate(JsonNode message) {
    List<String> problems = new ArrayList<>();
    for (ValidationMessage problem : envelope.validate(message)) {
      problems.add(problem.getMessage());
    }
    if (!problems.isEmpty()) {
      return problems;
    }
    String typeText = message.get("type").asText();
    MessageType type = MessageType.valueOf(typeText);
    for (ValidationMessage problem : byType.get(type).validate(message)) {
      problems.add(problem.getMessage());
    }
    return problems;
  }

  private static JsonNode load(String name) {
    try (InputStream in = MessageSchemas.class.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource " + ROOT + name);
      }
      return Json.mapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
