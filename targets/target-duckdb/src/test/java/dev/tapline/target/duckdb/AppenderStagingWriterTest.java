package dev.tapline.target.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.TaplineException;
import dev.tapline.spec.Timestamps;
import dev.tapline.target.jdbc.Column;
import dev.tapline.target.jdbc.ColumnType;
import dev.tapline.target.jdbc.InvalidDatePolicy;
import dev.tapline.target.jdbc.RecordValues;
import dev.tapline.target.jdbc.TableName;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The typed appender against an in-memory DuckDB: values land in typed staging columns exactly. */
class AppenderStagingWriterTest {

  private static final DuckDbDialect DIALECT = new DuckDbDialect();
  private static final TableName STAGING = new TableName(null, "_tapline_stage_test");

  @Test
  void fastTimestampParsingAgreesWithTheLenientParser() {
    for (String text : List.of("2024-01-01T00:00:01Z", "2024-03-01T10:15:30.123456+05:30", "1999-12-31 23:59:59Z",
        "2024-02-29T12:00:00.5-08:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999+00:00",
        "1969-12-31T23:59:59.999999Z")) {
      Instant instant = Timestamps.parse(text);
      long expected = instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000;
      assertEquals(expected, AppenderStagingWriter.epochMicros(text), text);
    }
    for (String text : List.of("2024-01-01T00:00:01", "2024-02-30T00:00:00Z", "2024-01-01", "2024-01-01T25:00:00Z",
        "2024-01-01T00:00:00+0530", "2024-01-01T00:00:00.Z")) {
      assertEquals(Long.MIN_VALUE, AppenderStagingWriter.epochMicros(text), text);
    }
  }

  @Test
  void epochDaysMatchTheCalendarFromYearOneToYear9999() {
    for (java.time.LocalDate day = java.time.LocalDate.of(1, 1, 1); day.getYear() <= 9999; day = day.plusDays(13)) {
      assertEquals(day.toEpochDay(), AppenderStagingWriter.epochDay(day.getYear(), day.getMonthValue(), day.getDayOfMonth()),
          day.toString());
    }
  }

  @Test
  void stagesTypedValuesExactly() throws SQLException {
    List<Column> columns = List.of(
        new Column("id", "id", ColumnType.BIGINT),
        new Column("amount", "amount", DIALECT.columnType(ColumnType.numeric(null, 2))),
        new Column("price", "price", ColumnType.numeric(20, 2)),
        new Column("fee", "fee", ColumnType.numeric(12, 4)),
        new Column("paid", "paid", ColumnType.BOOLEAN),
        new Column("at", "at", ColumnType.TIMESTAMP_TZ),
        new Column("day", "day", ColumnType.DATE),
        new Column("note", "note", ColumnType.TEXT));
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:")) {
      connection.setAutoCommit(false);
      stage(connection, columns,
          "{\"id\":123456789012345678901234567890,\"amount\":99999999999999999.99,\"price\":0.1,\"fee\":-12.3456,\"paid\":true,"
              + "\"at\":\"2024-03-01T10:15:30.123456+05:30\",\"day\":\"2024-02-29\",\"note\":\"a\\u0000b\"}",
          "{\"id\":-7,\"amount\":-0.5,\"price\":-2.345,\"fee\":99999999.9999,\"paid\":false,\"at\":\"1999-12-31T23:59:59\"}");
      try (Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("SELECT * FROM " + STAGING.sql(DIALECT) + " ORDER BY 1")) {
        assertTrue(rows.next());
        assertEquals("123456789012345678901234567890", rows.getString("id"));
        assertEquals(new BigDecimal("99999999999999999.99"), rows.getBigDecimal("amount"));
        assertEquals(new BigDecimal("0.10"), rows.getBigDecimal("price"));
        assertEquals(new BigDecimal("-12.3456"), rows.getBigDecimal("fee"));
        assertTrue(rows.getBoolean("paid"));
        assertTrue(OffsetDateTime.parse("2024-03-01T10:15:30.123456+05:30")
            .isEqual(rows.getObject("at", OffsetDateTime.class)));
        assertEquals("2024-02-29", rows.getString("day"));
        assertEquals("ab", rows.getString("note"));
        assertTrue(rows.next());
        assertEquals(-7, rows.getLong("id"));
        assertEquals(new BigDecimal("-0.50"), rows.getBigDecimal("amount"));
        assertEquals(new BigDecimal("-2.35"), rows.getBigDecimal("price"));
        assertEquals(new BigDecimal("99999999.9999"), rows.getBigDecimal("fee"));
        assertTrue(OffsetDateTime.parse("1999-12-31T23:59:59Z").isEqual(rows.getObject("at", OffsetDateTime.class)));
      }
    }
  }

  @Test
  void refusesADecimalTooLongForItsColumnNamingTheProperty() throws SQLException {
    List<Column> columns = List.of(new Column("price", "price", ColumnType.numeric(5, 2)));
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:")) {
      connection.setAutoCommit(false);
      TaplineException refused = assertThrows(TaplineException.class,
          () -> stage(connection, columns, "{\"price\":1234.5}"));
      assertTrue(refused.getMessage().contains("'price'") && refused.getMessage().contains("DECIMAL(5,2)"),
          refused.getMessage());
    }
  }

  private static void stage(Connection connection, List<Column> columns, String... records) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      for (String sql : DIALECT.createStagingTable(STAGING, columns)) {
        statement.execute(sql);
      }
    }
    var writer = DIALECT.stagingWriter(connection, STAGING, new RecordValues("test", columns, InvalidDatePolicy.ERROR));
    long row = 0;
    try {
      for (String record : records) {
        writer.write((ObjectNode) Json.mapper().readTree(record), ++row);
      }
      writer.finish();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    } catch (RuntimeException e) {
      writer.cancel();
      throw e;
    }
  }
}
