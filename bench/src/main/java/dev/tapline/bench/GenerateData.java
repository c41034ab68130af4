package dev.tapline.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.SplittableRandom;

/**
 * Writes benchmark data: {@code orders.csv}, an N-row CSV with the columns id, created_at,
 * customer, amount, currency, status and description, and {@code orders.singer.jsonl}, the same
 * rows as Singer messages (SCHEMA, RECORDs, a STATE every {@value #STATE_EVERY} rows and at the
 * end). The output depends only on the row count and the seed.
 *
 * <p>Usage: {@code GenerateData ROWS OUTPUT_FOLDER [SEED]}.
 */
public final class GenerateData {

  static final String CSV_FILE = "orders.csv";
  static final String MESSAGES_FILE = "orders.singer.jsonl";
  static final String STREAM = "orders";
  static final long DEFAULT_SEED = 20240101L;
  static final int STATE_EVERY = 100_000;
  static final int DESCRIPTION_LENGTH = 40;

  /** Seconds since the epoch of 2024-01-01T00:00:00Z: the first {@code created_at}. */
  private static final long START_SECONDS = LocalDate.of(2024, 1, 1).toEpochDay() * 86_400L;

  private static final String TIME_EXTRACTED = "2024-12-31T00:00:00Z";
  private static final String[] FIRST_NAMES = {
    "Ada", "Alan", "Barbara", "Claude", "Dennis", "Edsger", "Frances", "Grace", "Hedy", "Ivan",
    "John", "Katherine", "Ken", "Leslie", "Margaret", "Niklaus", "Radia", "Shafi", "Tim", "Yukihiro"
  };
  private static final String[] LAST_NAMES = {
    "Allen", "Backus", "Cerf", "Dijkstra", "Engelbart", "Floyd", "Goldberg", "Hamilton", "Hopper",
    "Johnson", "Knuth", "Lamport", "Liskov", "Lovelace", "McCarthy", "Perlman", "Ritchie", "Shannon",
    "Thompson", "Wirth"
  };
  private static final String[] CURRENCIES = {"EUR", "USD", "GBP", "CHF", "JPY", "SEK"};
  private static final String[] STATUSES = {"pending", "paid", "shipped", "delivered", "refunded"};
  private static final char[] LETTERS = "abcdefghijklmnopqrstuvwxyz".toCharArray();

  static final String CSV_HEADER = "id,created_at,customer,amount,currency,status,description\n";
  static final String SCHEMA_MESSAGE =
      "{\"type\":\"SCHEMA\",\"stream\":\"orders\",\"schema\":{\"type\":\"object\",\"properties\":{"
          + "\"id\":{\"type\":\"integer\"},"
          + "\"created_at\":{\"type\":\"string\",\"format\":\"date-time\"},"
          + "\"customer\":{\"type\":[\"null\",\"string\"]},"
          + "\"amount\":{\"type\":[\"null\",\"number\"],\"multipleOf\":0.01},"
          + "\"currency\":{\"type\":[\"null\",\"string\"],\"minLength\":3,\"maxLength\":3},"
          + "\"status\":{\"type\":[\"null\",\"string\"]},"
          + "\"description\":{\"type\":[\"null\",\"string\"]}}},"
          + "\"key_properties\":[\"id\"],\"bookmark_properties\":[\"created_at\"]}\n";

  private GenerateData() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: GenerateData ROWS OUTPUT_FOLDER [SEED]");
      System.exit(2);
    }
    long rows;
    long seed;
    try {
      rows = Long.parseLong(args[0].replace("_", "").replace(",", ""));
      seed = args.length == 3 ? Long.parseLong(args[2]) : DEFAULT_SEED;
    } catch (NumberFormatException e) {
      System.err.println("ERROR GenerateData: ROWS and SEED must be whole numbers, got " + e.getMessage());
      System.exit(2);
      return;
    }
    long started = System.nanoTime();
    generate(rows, seed, Path.of(args[1]));
    double seconds = (System.nanoTime() - started) / 1e9;
    System.err.printf("generated %,d rows in %s in %.1f s%n", rows, args[1], seconds);
  }

  /** Writes both files into {@code folder} (created when missing), replacing earlier ones. */
  public static void generate(long rows, long seed, Path folder) throws IOException {
    Files.createDirectories(folder);
    try (OutputStream csv = new BufferedOutputStream(Files.newOutputStream(folder.resolve(CSV_FILE)), 1 << 20);
        OutputStream messages =
            new BufferedOutputStream(Files.newOutputStream(folder.resolve(MESSAGES_FILE)), 1 << 20)) {
      new Rows(seed).write(rows, csv, messages);
    }
  }

  /** One pass over the rows, writing each to both files; all text is ASCII. */
  private static final class Rows {
    private final SplittableRandom random;
    private final StringBuilder csvLine = new StringBuilder(160);
    private final StringBuilder messageLine = new StringBuilder(400);
    private final char[] description = new char[DESCRIPTION_LENGTH];
    private final Timestamp timestamp = new Timestamp();

    Rows(long seed) {
      this.random = new SplittableRandom(seed);
    }

    void write(long rows, OutputStream csv, OutputStream messages) throws IOException {
      csv.write(CSV_HEADER.getBytes(StandardCharsets.US_ASCII));
      messages.write(SCHEMA_MESSAGE.getBytes(StandardCharsets.US_ASCII));
      long seconds = START_SECONDS;
      String createdAt = null;
      for (long id = 1; id <= rows; id++) {
        seconds += 1 + random.nextInt(3);
        createdAt = timestamp.format(seconds);
        String customer =
            FIRST_NAMES[random.nextInt(FIRST_NAMES.length)] + ' ' + LAST_NAMES[random.nextInt(LAST_NAMES.length)];
        long cents = 1 + random.nextLong(1_000_000);
        String currency = CURRENCIES[random.nextInt(CURRENCIES.length)];
        String status = STATUSES[random.nextInt(STATUSES.length)];
        fillDescription();

        csvLine.setLength(0);
        csvLine.append(id).append(',').append(createdAt).append(',').append(customer).append(',');
        appendAmount(csvLine, cents);
        csvLine.append(',').append(currency).append(',').append(status).append(',');
        csvLine.append(description).append('\n');
        writeAscii(csvLine, csv);

        messageLine.setLength(0);
        messageLine.append("{\"type\":\"RECORD\",\"stream\":\"orders\",\"record\":{\"id\":").append(id);
        messageLine.append(",\"created_at\":\"").append(createdAt);
        messageLine.append("\",\"customer\":\"").append(customer).append("\",\"amount\":");
        appendAmount(messageLine, cents);
        messageLine.append(",\"currency\":\"").append(currency);
        messageLine.append("\",\"status\":\"").append(status);
        messageLine.append("\",\"description\":\"").append(description);
        messageLine.append("\"},\"time_extracted\":\"").append(TIME_EXTRACTED).append("\"}\n");
        writeAscii(messageLine, messages);

        if (id % STATE_EVERY == 0 && id != rows) {
          writeAscii(stateMessage(createdAt), messages);
        }
      }
      writeAscii(stateMessage(createdAt), messages);
    }

    /** Letters with single spaces between words, never at either end: no CSV quoting needed. */
    private void fillDescription() {
      for (int i = 0; i < DESCRIPTION_LENGTH; i++) {
        boolean space = i > 0 && i < DESCRIPTION_LENGTH - 1 && description[i - 1] != ' ' && random.nextInt(6) == 0;
        description[i] = space ? ' ' : LETTERS[random.nextInt(LETTERS.length)];
      }
    }

    private static void appendAmount(StringBuilder line, long cents) {
      long fraction = cents % 100;
      line.append(cents / 100).append('.');
      if (fraction < 10) {
        line.append('0');
      }
      line.append(fraction);
    }

    private static StringBuilder stateMessage(String createdAt) {
      StringBuilder line = new StringBuilder(160);
      line.append("{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"orders\":{");
      if (createdAt != null) {
        line.append("\"replication_key\":\"created_at\",\"replication_key_value\":\"").append(createdAt).append('"');
      }
      return line.append("}}}}\n");
    }

    private static void writeAscii(CharSequence text, OutputStream out) throws IOException {
      int length = text.length();
      for (int i = 0; i < length; i++) {
        out.write(text.charAt(i));
      }
    }
  }

  /** ISO-8601 UTC timestamps for whole seconds, formatting the date part once per day. */
  private static final class Timestamp {
    private long day = Long.MIN_VALUE;
    private String datePart;
    private final char[] buffer = new char[20];

    String format(long epochSeconds) {
      long currentDay = Math.floorDiv(epochSeconds, 86_400L);
      if (currentDay != day) {
        day = currentDay;
        datePart = LocalDate.ofEpochDay(currentDay).toString();
        datePart.getChars(0, 10, buffer, 0);
        buffer[10] = 'T';
        buffer[13] = ':';
        buffer[16] = ':';
        buffer[19] = 'Z';
      }
      int secondOfDay = (int) (epochSeconds - currentDay * 86_400L);
      twoDigits(secondOfDay / 3600, 11);
      twoDigits(secondOfDay / 60 % 60, 14);
      twoDigits(secondOfDay % 60, 17);
      return new String(buffer);
    }

    private void twoDigits(int value, int at) {
      buffer[at] = (char) ('0' + value / 10);
      buffer[at + 1] = (char) ('0' + value % 10);
    }
  }
}
