package dev.tapline.tap.postgres;

import dev.tapline.tap.jdbc.JdbcColumn;
import dev.tapline.tap.jdbc.JdbcTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the tables, partitioned tables (as one stream, their partitions left out), views and
 * materialized views the user can read, with their columns, keys and row estimates.
 */
final class PostgresDiscovery {

  /** A relation of the database as discovered. */
  record Relation(JdbcTable table, long oid, char kind, char replicaIdentity, Map<String, TextValue> converters) {

    boolean isView() {
      return kind == 'v' || kind == 'm';
    }
  }

  private static final String COLUMNS = """
      SELECT n.nspname, c.relname, c.relkind, c.oid, c.relreplident,
             (CASE WHEN c.relkind = 'p' THEN
                (SELECT COALESCE(SUM(GREATEST(child.reltuples, 0)), 0) FROM pg_inherits i
                   JOIN pg_class child ON child.oid = i.inhrelid WHERE i.inhparent = c.oid)
              ELSE GREATEST(c.reltuples, 0) END)::bigint,
             a.attname, a.atttypid, a.atttypmod, a.attnotnull, format_type(a.atttypid, a.atttypmod)
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition
        AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
        AND has_table_privilege(c.oid, 'SELECT')
        AND (?::text[] IS NULL OR n.nspname = ANY(?::text[]))
      ORDER BY n.nspname, c.relname, a.attnum""";

  private static final String PRIMARY_KEYS = """
      SELECT i.indrelid, a.attname
      FROM pg_index i
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indisprimary
      ORDER BY i.indrelid, array_position(i.indkey::int2[], a.attnum)""";

  private PostgresDiscovery() {}

  static List<Relation> discover(Connection connection, List<String> schemas) throws SQLException {
    PostgresTypes types = PostgresTypes.load(connection);
    Map<Long, List<String>> keys = new HashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(PRIMARY_KEYS);
        ResultSet row = statement.executeQuery()) {
      while (row.next()) {
        keys.computeIfAbsent(row.getLong(1), oid -> new ArrayList<>()).add(row.getString(2));
      }
    }
    Map<Long, Builder> builders = new LinkedHashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(COLUMNS)) {
      Object filter = schemas.isEmpty() ? null : connection.createArrayOf("text", schemas.toArray());
      statement.setObject(1, filter, java.sql.Types.ARRAY);
      statement.setObject(2, filter, java.sql.Types.ARRAY);
      try (ResultSet row = statement.executeQuery()) {
        while (row.next()) {
          long oid = row.getLong(4);
          Builder builder = builders.get(oid);
          if (builder == null) {
            builder = new Builder(row.getString(1), row.getString(2), row.getString(3).charAt(0), oid,
                row.getString(5).charAt(0), row.getLong(6));
            builders.put(oid, builder);
          }
          PostgresTypes.ValueType type = types.resolve(row.getInt(8), row.getInt(9));
          boolean nullable = !row.getBoolean(10);
          String name = row.getString(7);
          builder.converters.put(name, type.converter());
          builder.columns.add(new JdbcColumn(name, row.getString(11), type.propertySchema(nullable),
              ByteValues.reader(type.converter()), type.orderable()));
        }
      }
    }
    List<Relation> relations = new ArrayList<>();
    for (Builder builder : builders.values()) {
      boolean view = builder.kind == 'v' || builder.kind == 'm';
      List<String> primaryKey = view ? List.of() : keys.getOrDefault(builder.oid, List.of());
      JdbcTable table = new JdbcTable(builder.schema, builder.name, builder.schema + "-" + builder.name,
          view, builder.rowCount, builder.columns, primaryKey);
      relations.add(new Relation(table, builder.oid, builder.kind, builder.replicaIdentity,
          Map.copyOf(builder.converters)));
    }
    return relations;
  }

  /** The schemas of a {@code filter_schemas} setting: comma-separated, blanks ignored. */
  static List<String> schemaList(String setting) {
    return Arrays.stream(setting.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  private static final class Builder {
    final String schema;
    final String name;
    final char kind;
    final long oid;
    final char replicaIdentity;
    final long rowCount;
    final List<JdbcColumn> columns = new ArrayList<>();
    final Map<String, TextValue> converters = new HashMap<>();

    Builder(String schema, String name, char kind, long oid, char replicaIdentity, long rowCount) {
      this.schema = schema;
      this.name = name;
      this.kind = kind;
      this.oid = oid;
      this.replicaIdentity = replicaIdentity;
      this.rowCount = rowCount;
    }
  }
}
