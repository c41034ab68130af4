package dev.tapline.tap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.Timestamps;
import dev.tapline.spec.config.Setting;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A tap over generated data for the SDK's own tests: {@code events} (incremental on {@code
 * updated_at}, one hour apart from 2024-01-01) and {@code users} (full table).
 */
final class SampleTap extends Tap<SampleTap.Settings> {

  static final Instant EPOCH = Instant.parse("2024-01-01T00:00:00Z");

  record Settings(
      @Setting(description = "Token of the made-up API", secret = true) String apiToken,
      @Setting(description = "Earliest updated_at to read", required = false) Optional<Instant> startDate,
      @Setting(description = "Number of events", defaultValue = "25") int rows,
      @Setting(description = "Emit events out of order", defaultValue = "false") boolean shuffled,
      @Setting(description = "Declare events unsorted", defaultValue = "false") boolean declareUnsorted,
      @Setting(description = "Signpost of events", required = false) Optional<Instant> signpost) {}

  static String hour(int offset) {
    return Timestamps.format(EPOCH.plus(offset, ChronoUnit.HOURS));
  }

  @Override
  public String description() {
    return "Generated events and users, for tests.";
  }

  @Override
  protected List<TapStream> streams(Settings settings) {
    return List.of(new Events(settings), new Users());
  }

  private static final class Events implements TapStream {
    private final Settings settings;

    Events(Settings settings) {
      this.settings = settings;
    }

    @Override
    public StreamSpec spec() {
      ObjectNode schema = (ObjectNode) Json.parse("""
          {"type": "object", "properties": {
            "id": {"type": "integer"},
            "updated_at": {"type": "string", "format": "date-time"},
            "amount": {"type": ["number", "null"]},
            "note": {"type": ["string", "null"]}}}""");
      return StreamSpec.of("events", schema)
          .withKeyProperties("id")
          .withReplicationKey("updated_at", !settings.declareUnsorted());
    }

    @Override
    public JsonNode signpost(StreamContext context) {
      return settings.signpost().map(s -> (JsonNode) Json.NODES.textNode(Timestamps.format(s))).orElse(null);
    }

    @Override
    public Stream<ObjectNode> records(StreamContext context) {
      context.log().info("Connecting with token " + settings.apiToken());
      return IntStream.rangeClosed(1, settings.rows()).mapToObj(i -> {
        int id = settings.shuffled() && i == settings.rows() / 2 ? 1 : i;
        ObjectNode record = Json.object();
        record.put("id", id);
        record.put("updated_at", hour(id));
        record.set("amount", new DecimalTextNode(id + ".50"));
        record.put("note", "event " + id);
        return record;
      });
    }
  }

  private static final class Users implements TapStream {
    @Override
    public StreamSpec spec() {
      ObjectNode schema = (ObjectNode) Json.parse("""
          {"type": "object", "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}}}""");
      return StreamSpec.of("users", schema).withKeyProperties("id");
    }

    @Override
    public Stream<ObjectNode> records(StreamContext context) {
      return Stream.of("ada", "grace", "edsger").map(name -> {
        ObjectNode record = Json.object();
        record.put("id", name.length());
        record.put("name", name);
        return record;
      });
    }
  }
}
