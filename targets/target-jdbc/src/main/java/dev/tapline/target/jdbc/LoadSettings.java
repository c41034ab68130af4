package dev.tapline.target.jdbc;

import java.util.Map;

/**
 * The loading settings every SQL target shares. A target's settings record declares them as its
 * own components (so the config stays flat, as with the Python targets) and returns them here.
 *
 * @param defaultTargetSchema the schema streams land in, or null
 * @param schemaMapping source schema (the part of a stream name before {@code -}) to target
 *     schema; never null
 * @param loadMethod how records reach the final table, or null for {@code upsert} when the stream
 *     has key properties and {@code append-only} otherwise
 * @param hardDelete whether deleted records and records of older table versions are deleted
 *     rather than marked in {@code _sdc_deleted_at}
 * @param schemaChangePolicy what happens when a column's type cannot widen
 * @param invalidDatePolicy what happens to dates the database cannot hold
 */
public record LoadSettings(
    String defaultTargetSchema,
    Map<String, String> schemaMapping,
    LoadMethod loadMethod,
    boolean hardDelete,
    SchemaChangePolicy schemaChangePolicy,
    InvalidDatePolicy invalidDatePolicy) {

  public LoadSettings {
    schemaMapping = schemaMapping == null ? Map.of() : Map.copyOf(schemaMapping);
    schemaChangePolicy = schemaChangePolicy == null ? SchemaChangePolicy.FAIL : schemaChangePolicy;
    invalidDatePolicy = invalidDatePolicy == null ? InvalidDatePolicy.ERROR : invalidDatePolicy;
  }

  /** The settings a target exposes to the shared loading code. */
  public interface Source {
    LoadSettings loadSettings();
  }
}
