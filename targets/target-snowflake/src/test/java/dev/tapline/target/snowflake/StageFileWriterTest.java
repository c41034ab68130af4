package dev.tapline.target.snowflake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.TaplineException;
import dev.tapline.target.jdbc.Column;
import dev.tapline.target.jdbc.ColumnType;
import dev.tapline.target.jdbc.InvalidDatePolicy;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Staged files read back with an independent CSV parser give exactly the values written. */
class StageFileWriterTest {

  @TempDir Path folder;

  private static final SnowflakeDialect DIALECT = new SnowflakeDialect(9);

  private static final List<Column> COLUMNS = List.of(
      new Column("id", "id", ColumnType.BIGINT),
      new Column("amount", "amount", DIALECT.columnType(ColumnType.NUMERIC)),
      new Column("price", "price", ColumnType.numeric(20, 2)),
      new Column("at", "at", ColumnType.TIMESTAMP_TZ),
      new Column("day", "day", ColumnType.DATE),
      new Column("note", "note", ColumnType.TEXT),
      new Column("flag", "flag", ColumnType.BOOLEAN),
      new Column("doc", "doc", ColumnType.JSON),
      new Column("ratio", "ratio", SnowflakeDialect.DOUBLE));

  private StageFileWriter writer(long chunkBytes, InvalidDatePolicy policy) {
    List<String> types = COLUMNS.stream().map(c -> DIALECT.typeName(c.type())).toList();
    return new StageFileWriter("values", folder, COLUMNS, types, chunkBytes, policy, "_tapline_row");
  }

  private static ObjectNode record(String json) {
    return (ObjectNode) Json.parse(json);
  }

  @Test
  void everyKindOfValueReadsBackExactly() throws IOException {
    List<ObjectNode> records = List.of(
        record("{\"id\":1,\"amount\":99999999999999999.99,\"price\":0.10,\"at\":\"2024-03-01T10:15:30.123456+05:30\","
            + "\"day\":\"2024-02-29\",\"note\":\"plain\",\"flag\":false,\"doc\":{\"a\":[1,2.50,{\"b\":null}],\"q\":\"\\\"x\\\"\"},"
            + "\"ratio\":0.1}"),
        record("{\"id\":-9223372036854775808,\"amount\":-4.8,\"price\":-1.25,\"at\":\"1999-12-31T23:59:59Z\","
            + "\"day\":\"0001-01-01\",\"note\":\"quotes \\\" and \\\"\\\" and , commas\\nnew line\\r\\ncrlf\",\"flag\":true,"
            + "\"doc\":[\"\\u0000\",\"line\\nbreak\"],\"ratio\":1.5E-7}"),
        record("{\"id\":123456789012345678901234567890,\"amount\":0.000000001,\"price\":12345678901234567.89,"
            + "\"at\":\"2024-01-01T00:00:00-08:00\",\"day\":null,\"note\":\"NUL\\u0000inside, unicode: żółw 🐢 中文 \\u00e9\","
            + "\"flag\":null,\"doc\":\"just text\"}"),
        record("{\"id\":4,\"note\":\"\",\"doc\":{}}"),
        record("{\"id\":5,\"note\":\"\\\"\",\"doc\":null,\"amount\":100.000}"));
    StageFileWriter writer = writer(1 << 20, InvalidDatePolicy.ERROR);
    for (int i = 0; i < records.size(); i++) {
      writer.write(records.get(i).deepCopy(), i + 1);
    }
    List<Path> files = writer.finish();
    assertEquals(1, files.size());

    StagedFiles.Contents contents = StagedFiles.read(files.get(0));
    assertEquals(List.of("_tapline_row", "id", "amount", "price", "at", "day", "note", "flag", "doc", "ratio"),
        contents.header());
    assertEquals(records.size(), contents.rows().size());
    for (int i = 0; i < records.size(); i++) {
      List<String> row = contents.rows().get(i);
      ObjectNode sent = records.get(i);
      assertEquals(String.valueOf(i + 1), row.get(0));
      for (int c = 0; c < COLUMNS.size(); c++) {
        String property = COLUMNS.get(c).property();
        assertValue(property, sent.get(property), row.get(c + 1));
      }
    }
  }

  private static void assertValue(String property, JsonNode sent, String staged) {
    if (sent == null || sent.isNull()) {
      assertNull(staged, property + " is NULL");
      return;
    }
    switch (property) {
      case "id", "amount", "price", "ratio" -> assertEquals(0, sent.decimalValue().compareTo(new BigDecimal(staged)),
          property + ": " + sent + " staged as " + staged);
      case "at" -> {
        assertEquals(sent.textValue(), staged);
        OffsetDateTime.parse(staged); // an instant with its offset, as Snowflake's AUTO format reads it
      }
      case "flag" -> assertEquals(sent.booleanValue(), Boolean.parseBoolean(staged));
      case "doc" -> assertEquals(sent, Json.parse(staged), "JSON comes back as the same JSON");
      default -> assertEquals(sent.textValue(), staged, property);
    }
  }

  @Test
  void decimalsKeepTheirDigits() throws IOException {
    StageFileWriter writer = writer(1 << 20, InvalidDatePolicy.ERROR);
    writer.write(record("{\"id\":1,\"price\":0.10,\"amount\":1.000000000}"), 1);
    List<String> row = StagedFiles.read(writer.finish().get(0)).rows().get(0);
    assertEquals("1.000000000", row.get(2), "plain notation, scale kept");
    assertEquals("0.10", row.get(3));
  }

  @Test
  void aNumberSnowflakeWouldRoundIsRefused() {
    StageFileWriter writer = writer(1 << 20, InvalidDatePolicy.ERROR);
    TaplineException tooPrecise = assertThrows(TaplineException.class,
        () -> writer.write(record("{\"id\":1,\"price\":1.005}"), 1));
    assertTrue(tooPrecise.getMessage().contains("property 'price'") && tooPrecise.getMessage().contains("NUMBER(20,2)")
        && tooPrecise.getMessage().contains("1.005"), tooPrecise.getMessage());
    TaplineException tooBig = assertThrows(TaplineException.class,
        () -> writer.write(record("{\"id\":1,\"price\":1234567890123456789.5}"), 2));
    assertTrue(tooBig.getMessage().contains("before the point"), tooBig.getMessage());
    TaplineException tooManyDigits = assertThrows(TaplineException.class,
        () -> writer.write(record("{\"id\":123456789012345678901234567890123456789}"), 3));
    assertTrue(tooManyDigits.getMessage().contains("property 'id'"), tooManyDigits.getMessage());
    writer.cancel();
  }

  @Test
  void datesOutOfRangeFollowThePolicy() throws IOException {
    String late = "{\"id\":1,\"at\":\"10000-01-01T00:00:00Z\",\"day\":\"0000-01-01\"}";
    StageFileWriter refusing = writer(1 << 20, InvalidDatePolicy.ERROR);
    TaplineException refused = assertThrows(TaplineException.class, () -> refusing.write(record(late), 1));
    assertTrue(refused.getMessage().contains("invalid_date_policy"), refused.getMessage());
    refusing.cancel();

    StageFileWriter nulls = writer(1 << 20, InvalidDatePolicy.NULL);
    nulls.write(record(late), 1);
    List<String> row = StagedFiles.read(nulls.finish().get(0)).rows().get(0);
    assertNull(row.get(4));
    assertNull(row.get(5));
    assertEquals(2, nulls.replacedDates());
  }

  @Test
  void aBatchIsSplitIntoChunksEachWithAHeader() throws IOException {
    StageFileWriter writer = writer(4096, InvalidDatePolicy.ERROR);
    for (int i = 1; i <= 2000; i++) {
      writer.write(record("{\"id\":" + i + ",\"note\":\"row " + i + " of the batch\"}"), i);
    }
    List<Path> files = writer.finish();
    assertTrue(files.size() > 5, "chunks of 4 KB: " + files.size());
    List<String> ids = new ArrayList<>();
    for (Path file : files) {
      StagedFiles.Contents contents = StagedFiles.read(file);
      assertEquals("_tapline_row", contents.header().get(0));
      contents.rows().forEach(r -> ids.add(r.get(1)));
    }
    assertEquals(2000, ids.size());
    for (int i = 0; i < ids.size(); i++) {
      assertEquals(String.valueOf(i + 1), ids.get(i), "rows stay in order across chunks");
    }
  }

  @Test
  void valuesLargerThanTheBufferAndPropertiesInAnyOrder() throws IOException {
    String large = "ä\"x".repeat(120_000);
    StageFileWriter writer = writer(1 << 20, InvalidDatePolicy.ERROR);
    for (int i = 1; i <= 30; i++) {
      ObjectNode record = Json.object();
      record.put("note", i % 3 == 0 ? large : "short " + i);
      record.put("unknown", "not a column");
      record.put("id", i);
      writer.write(record, i);
    }
    List<Path> files = writer.finish();
    List<List<String>> rows = new ArrayList<>();
    for (Path file : files) {
      rows.addAll(StagedFiles.read(file).rows());
    }
    assertEquals(30, rows.size());
    for (int i = 1; i <= 30; i++) {
      assertEquals(String.valueOf(i), rows.get(i - 1).get(1));
      assertEquals(i % 3 == 0 ? large : "short " + i, rows.get(i - 1).get(6));
    }
  }
}
