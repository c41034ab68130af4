package dev.tapline.spec.schema;

import java.util.Set;

/**
 * What the record validator makes of a schema's {@code type} and which keywords assert nothing:
 * shared by the validator and by readers that check values without it (the targets' flat records),
 * so that both read a schema alike.
 */
public final class SchemaKeywords {

  public static final int STRING = 1;
  public static final int INTEGER = 2;
  public static final int NUMBER = 4;
  public static final int BOOLEAN = 8;
  public static final int NULL = 16;
  public static final int OBJECT = 32;
  public static final int ARRAY = 64;

  /** Annotations and extensions that assert nothing about a value. */
  public static final Set<String> ANNOTATIONS = Set.of(
      "$schema", "$id", "id", "title", "description", "default", "examples", "definitions", "$defs",
      "$comment", "readOnly", "writeOnly", "deprecated", "inclusion", "selected", "x-singer.decimal",
      "singer.decimal", "key_properties", "contentEncoding", "contentMediaType", "nullable");

  private SchemaKeywords() {}

  /**
   * The type bits a {@code type} name allows: {@code number} allows integers too; a name JSON
   * Schema does not know allows nothing (0), and a schema whose types are all unknown asserts no type.
   */
  public static int typeBit(String type) {
    return switch (type) {
      case "string" -> STRING;
      case "integer" -> INTEGER;
      case "number" -> NUMBER | INTEGER;
      case "boolean" -> BOOLEAN;
      case "null" -> NULL;
      case "object" -> OBJECT;
      case "array" -> ARRAY;
      default -> 0;
    };
  }
}
