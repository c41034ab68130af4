package dev.tapline.tap.jdbc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One column of a table as a tap sees it.
 *
 * @param name the column name, which is also the property name
 * @param sqlDataType the declared type as the database spells it, for the {@code sql-datatype}
 *     metadata
 * @param schema the JSON Schema of the property
 * @param reader how a value is read from a result set
 * @param orderable whether values have an order that makes the column a valid replication key
 */
public record JdbcColumn(
    String name, String sqlDataType, ObjectNode schema, ColumnReader reader, boolean orderable) {

  public JdbcColumn {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(reader, "reader");
  }
}
