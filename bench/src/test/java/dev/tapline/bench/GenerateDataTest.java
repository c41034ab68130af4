package dev.tapline.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapline.spec.Message;
import dev.tapline.spec.MessageReader;
import dev.tapline.spec.RecordMessage;
import dev.tapline.spec.SchemaMessage;
import dev.tapline.spec.StateMessage;
import dev.tapline.spec.Timestamps;
import dev.tapline.spec.schema.RecordValidator;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateDataTest {

  @TempDir Path folder;

  @Test
  void csvHasTheSevenColumnsAndOneLinePerRow() throws IOException {
    GenerateData.generate(1_000, GenerateData.DEFAULT_SEED, folder);

    List<String> lines = Files.readAllLines(folder.resolve(GenerateData.CSV_FILE), StandardCharsets.US_ASCII);
    assertEquals("id,created_at,customer,amount,currency,status,description", lines.get(0));
    assertEquals(1_001, lines.size());
    Instant previous = Instant.MIN;
    for (int row = 1; row < lines.size(); row++) {
      String[] fields = lines.get(row).split(",", -1);
      assertEquals(7, fields.length, "line " + row + ": " + lines.get(row));
      assertEquals(String.valueOf(row), fields[0]);
      Instant createdAt = Instant.parse(fields[1]);
      assertTrue(createdAt.isAfter(previous), "created_at increases at line " + row);
      previous = createdAt;
      assertTrue(fields[2].matches("[A-Z][A-Za-z]+ [A-Z][A-Za-z]+"), fields[2]);
      assertEquals(2, new BigDecimal(fields[3]).scale(), fields[3]);
      assertTrue(fields[4].matches("[A-Z]{3}"), fields[4]);
      assertEquals(40, fields[6].length());
      assertEquals(fields[6].strip(), fields[6], "no leading or trailing spaces");
    }
  }

  @Test
  void theSameSeedGivesTheSameFilesAndAnotherSeedDifferentOnes() throws IOException {
    GenerateData.generate(500, 7, folder.resolve("a"));
    GenerateData.generate(500, 7, folder.resolve("b"));
    GenerateData.generate(500, 8, folder.resolve("c"));

    for (String file : List.of(GenerateData.CSV_FILE, GenerateData.MESSAGES_FILE)) {
      byte[] first = Files.readAllBytes(folder.resolve("a").resolve(file));
      assertArrayEquals(first, Files.readAllBytes(folder.resolve("b").resolve(file)), file);
      assertFalse(
          java.util.Arrays.equals(first, Files.readAllBytes(folder.resolve("c").resolve(file))), file);
    }
  }

  @Test
  void messagesAreValidSingerWithTheSameRowsAsTheCsv() throws IOException {
    long rows = GenerateData.STATE_EVERY + 5;
    GenerateData.generate(rows, GenerateData.DEFAULT_SEED, folder);

    List<String> csv = Files.readAllLines(folder.resolve(GenerateData.CSV_FILE), StandardCharsets.US_ASCII);
    List<String> warnings = new ArrayList<>();
    List<StateMessage> states = new ArrayList<>();
    long records = 0;
    try (InputStream in = Files.newInputStream(folder.resolve(GenerateData.MESSAGES_FILE))) {
      MessageReader reader = new MessageReader(in, warnings::add);
      SchemaMessage schema = assertInstanceOf(SchemaMessage.class, reader.next());
      assertEquals("orders", schema.stream());
      assertEquals(List.of("id"), schema.keyProperties());
      assertEquals(List.of("created_at"), schema.bookmarkProperties());
      RecordValidator validator = RecordValidator.compile(schema.schema());
      Message message;
      while ((message = reader.next()) != null) {
        if (message instanceof RecordMessage record) {
          records++;
          assertEquals(List.of(), validator.validate(record.record()), "record " + records);
          String[] fields = csv.get((int) records).split(",", -1);
          assertEquals(Long.parseLong(fields[0]), record.record().get("id").asLong());
          assertEquals(fields[1], record.record().get("created_at").asText());
          assertEquals(new BigDecimal(fields[3]), record.record().get("amount").decimalValue());
          assertEquals(fields[6], record.record().get("description").asText());
        } else {
          states.add(assertInstanceOf(StateMessage.class, message));
        }
      }
      assertNull(reader.next());
    }
    assertEquals(rows, records);
    assertEquals(List.of(), warnings);
    assertEquals(2, states.size(), "one STATE after " + GenerateData.STATE_EVERY + " rows, one at the end");
    String lastCreatedAt = csv.get(csv.size() - 1).split(",")[1];
    assertEquals(
        lastCreatedAt,
        states.get(1).value().at("/bookmarks/orders/replication_key_value").asText());
    assertEquals(Instant.parse(lastCreatedAt), Timestamps.parse(lastCreatedAt));
  }
}
