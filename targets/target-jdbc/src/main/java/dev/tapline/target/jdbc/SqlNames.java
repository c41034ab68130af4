package dev.tapline.target.jdbc;

import dev.tapline.spec.ConfigurationException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns stream and property names into table and column names that every database accepts and
 * that stay the same from run to run: lower case, characters outside {@code [a-z0-9_]} replaced by
 * {@code _}, a leading digit prefixed with {@code _}, and names longer than the database allows
 * cut and ended with {@code _} and 8 hex digits of a hash of the whole original name. Names are
 * always quoted in SQL, so reserved words such as {@code order} need no change.
 */
public final class SqlNames {

  private static final int HASH_LENGTH = 8;

  private final int maxLength;

  /** @param maxLength the longest identifier the database accepts, in bytes (PostgreSQL: 63) */
  public SqlNames(int maxLength) {
    if (maxLength < HASH_LENGTH + 2) {
      throw new IllegalArgumentException("maxLength too small: " + maxLength);
    }
    this.maxLength = maxLength;
  }

  /** The safe form of one name. */
  public String safe(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    StringBuilder safe = new StringBuilder(lower.length() + 1);
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      boolean allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
      safe.append(allowed ? c : '_');
    }
    if (safe.length() == 0 || Character.isDigit(safe.charAt(0))) {
      safe.insert(0, '_');
    }
    if (safe.length() <= maxLength) {
      return safe.toString();
    }
    return safe.substring(0, maxLength - HASH_LENGTH - 1) + "_" + hash(name);
  }

  /**
   * Column names for the properties of a stream, in property order.
   *
   * @throws ConfigurationException when two properties would land in the same column
   */
  public Map<String, String> columns(String stream, List<String> properties) {
    Map<String, String> columns = new LinkedHashMap<>();
    Map<String, String> owners = new LinkedHashMap<>();
    for (String property : properties) {
      String column = safe(property);
      String owner = owners.putIfAbsent(column, property);
      if (owner != null) {
        throw new ConfigurationException("Stream '" + stream + "': properties '" + owner + "' and '"
            + property + "' would both be stored in column " + column
            + ". Rename one of them in the tap (or with a stream map) so their names differ in more than case and punctuation.");
      }
      columns.put(property, column);
    }
    return columns;
  }

  /**
   * Where a stream lands. A stream named {@code source_schema-table} (as tap-postgres and tap-mysql
   * name them) goes to table {@code table} in the schema mapped from {@code source_schema} by
   * {@code schema_mapping}, else {@code default_target_schema}, else {@code source_schema}. Any
   * other stream goes to {@code default_target_schema}, else the database's default schema.
   */
  public TableName table(
      String stream, String defaultTargetSchema, Map<String, String> schemaMapping, String databaseDefaultSchema) {
    int dash = stream.indexOf('-');
    String sourceSchema = dash > 0 ? stream.substring(0, dash) : null;
    String table = dash > 0 && dash < stream.length() - 1 ? stream.substring(dash + 1) : stream;
    String schema = null;
    if (sourceSchema != null && schemaMapping != null) {
      schema = schemaMapping.get(sourceSchema);
    }
    if (schema == null && defaultTargetSchema != null && !defaultTargetSchema.isBlank()) {
      schema = defaultTargetSchema;
    }
    if (schema == null) {
      schema = sourceSchema != null ? sourceSchema : databaseDefaultSchema;
    }
    return new TableName(safe(schema), safe(table));
  }

  /** 8 hex digits of the SHA-256 of a name. */
  static String hash(String name) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, HASH_LENGTH / 2);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
