package dev.tapline.target.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class GenericSqlDialectTest {

  private final GenericSqlDialect dialect = new GenericSqlDialect();
  private final TableName table = new TableName("raw", "order");
  private final List<Column> columns = List.of(
      new Column("id", "id", ColumnType.BIGINT), new Column("Total", "total", ColumnType.numeric(20, 2)));

  @Test
  void createsAndAltersWithQuotedNames() {
    assertEquals("CREATE TABLE IF NOT EXISTS \"raw\".\"order\" (\"id\" bigint, \"total\" numeric(20,2))",
        dialect.createTable(table, columns, List.of("id")));
    assertEquals("ALTER TABLE \"raw\".\"order\" ADD COLUMN \"note\" text",
        dialect.addColumn(table, new Column("note", "note", ColumnType.TEXT)));
    assertEquals("ALTER TABLE \"raw\".\"order\" ALTER COLUMN \"id\" TYPE numeric",
        dialect.alterColumnType(table, "id", ColumnType.NUMERIC));
    assertEquals("ALTER TABLE \"raw\".\"order\" RENAME COLUMN \"total\" TO \"total__20240101000000\"",
        dialect.renameColumn(table, "total", "total__20240101000000"));
  }

  @Test
  void upsertDeletesTheBatchKeysThenInsertsTheLastRowOfEachKey() {
    TableName staging = dialect.stagingTable(table);
    List<String> statements = dialect.upsertFromStaging(table, staging, columns, List.of("id"));
    assertEquals(2, statements.size());
    assertEquals("DELETE FROM \"raw\".\"order\" WHERE EXISTS (SELECT 1 FROM " + staging.sql(dialect)
        + " WHERE \"raw\".\"order\".\"id\" = " + staging.sql(dialect) + ".\"id\")", statements.get(0));
    assertEquals("INSERT INTO \"raw\".\"order\" (\"id\", \"total\") SELECT \"id\", \"total\" FROM (SELECT *, row_number()"
        + " OVER (PARTITION BY \"id\" ORDER BY \"_tapline_row\" DESC) AS \"_tapline_rank\" FROM " + staging.sql(dialect)
        + ") \"_tapline_last\" WHERE \"_tapline_rank\" = 1", statements.get(1));
  }
}
