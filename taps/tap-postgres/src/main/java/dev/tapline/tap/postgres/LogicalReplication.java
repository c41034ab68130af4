package dev.tapline.tap.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import dev.tapline.spec.Log;
import dev.tapline.spec.TaplineException;
import dev.tapline.spec.Timestamps;
import dev.tapline.tap.StreamContext;
import dev.tapline.tap.jdbc.JdbcColumn;
import dev.tapline.tap.jdbc.JdbcStream;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.ReplicationSlotInfo;

/**
 * LOG_BASED reading through a logical replication slot with the built-in {@code pgoutput} plugin.
 *
 * <p>A stream without a log position in the state first takes a copy of its table: from the
 * snapshot the slot exports when this run creates the slot, else from a snapshot taken after
 * reading the current log position (changes committed in between come again from the log: at
 * least once, never lost). Its last copied record carries the position the log is read from.
 *
 * <p>The copy is a table version, as a FULL_TABLE copy is: its records (and the changes after it)
 * stamped with that version, ACTIVATE_VERSION after its last record, and before its first too
 * when the stream has no earlier version.
 *
 * <p>Every change record carries {@code _sdc_lsn}, the position of its transaction's commit. The
 * stream's bookmark is {@code {"version": v, "lsn": position}}: {@code lsn} is the commit position
 * of the last change handed over, written every {@code state_interval_rows} changes and at the end
 * (and the copy's end position after the copy). Reading again from a bookmark sends that
 * transaction again (duplicates, never a gap). A bookmark of the earlier form, {@code
 * {"replication_key": "_sdc_lsn", "replication_key_value": position}}, is read too and rewritten in
 * the new form. The slot is told that the log is consumed only up to the lowest position in the
 * state the run started with: a state the target has committed.
 */
final class LogicalReplication {

  /** Bookmark field: the commit position the log is read from next time. */
  static final String LSN_BOOKMARK = "lsn";
  /** Bookmark field: the table version of the initial copy. */
  static final String VERSION_BOOKMARK = "version";
  private static final String OLD_KEY = "replication_key";
  private static final String OLD_KEY_VALUE = "replication_key_value";

  private static final Pattern SIMPLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final long POLL_SLEEP_MILLIS = 5;

  private final PostgresSettings settings;
  private final PostgresConnections connections;
  private final Log log = Log.of(LogicalReplication.class);
  private Set<String> streamNames = Set.of();
  private boolean serverChecked;

  LogicalReplication(PostgresSettings settings, PostgresConnections connections) {
    this.settings = settings;
    this.connections = connections;
  }

  void register(List<PostgresStream> streams) {
    Set<String> names = new HashSet<>();
    streams.forEach(stream -> names.add(stream.spec().name()));
    this.streamNames = Set.copyOf(names);
  }

  String slotName() {
    return settings.effectiveSlotName();
  }

  // ---- checks, before the stream's first message

  /** Throws a {@link ConfigurationException} when the stream cannot be read from the log. */
  synchronized void check(PostgresStream stream, StreamContext context) {
    String name = stream.spec().name();
    PostgresDiscovery.Relation relation = stream.relation();
    if (relation.isView()) {
      throw new ConfigurationException("Stream '" + name + "' is a view; LOG_BASED replication reads"
          + " tables only. Use FULL_TABLE or INCREMENTAL for it.");
    }
    if (relation.replicaIdentity() == 'n') {
      throw new ConfigurationException("Table " + stream.table().schemaName() + "."
          + stream.table().tableName() + " (stream '" + name + "') has REPLICA IDENTITY NOTHING, so its"
          + " updates and deletes cannot be read from the log. Run ALTER TABLE ... REPLICA IDENTITY"
          + " DEFAULT (with a primary key) or FULL, or read it FULL_TABLE.");
    }
    if (relation.replicaIdentity() == 'd' && relation.table().primaryKey().isEmpty()) {
      throw new ConfigurationException("Table " + stream.table().schemaName() + "."
          + stream.table().tableName() + " (stream '" + name + "') has no primary key and no replica"
          + " identity, so its updates and deletes cannot be read from the log. Add a primary key, or"
          + " run ALTER TABLE ... REPLICA IDENTITY FULL, or read it FULL_TABLE.");
    }
    if (!SIMPLE_NAME.matcher(settings.publicationName()).matches()) {
      throw new ConfigurationException("publication_name '" + settings.publicationName()
          + "' must be letters, digits and underscores.");
    }
    try (Connection connection = connections.open()) {
      if (!serverChecked) {
        checkServer(connection);
        serverChecked = true;
      }
      publicationExists(connection, stream);
    } catch (SQLException e) {
      throw new TaplineException("Checking the server for LOG_BASED replication failed: "
          + e.getMessage().strip(), e);
    }
  }

  private static void checkServer(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      String walLevel;
      try (ResultSet row = statement.executeQuery("SHOW wal_level")) {
        row.next();
        walLevel = row.getString(1);
      }
      if (!walLevel.equals("logical")) {
        throw new ConfigurationException("LOG_BASED replication needs wal_level = logical, but the server"
            + " has wal_level = " + walLevel + ". Set wal_level = logical in postgresql.conf and restart"
            + " the server, or read the streams FULL_TABLE or INCREMENTAL.");
      }
      try (ResultSet row = statement.executeQuery(
          "SELECT current_user, rolsuper OR rolreplication FROM pg_roles WHERE rolname = current_user")) {
        if (row.next() && !row.getBoolean(2)) {
          throw new ConfigurationException("User '" + row.getString(1) + "' may not use logical"
              + " replication, which LOG_BASED needs. Grant it with ALTER ROLE \"" + row.getString(1)
              + "\" WITH REPLICATION, or read the streams FULL_TABLE or INCREMENTAL.");
        }
      }
    }
  }

  /**
   * Whether the publication exists; throws a {@link ConfigurationException} when it exists but
   * would miss changes of the stream's table.
   */
  private boolean publicationExists(Connection connection, PostgresStream stream) throws SQLException {
    String publication = settings.publicationName();
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT pubinsert AND pubupdate AND pubdelete, pubviaroot FROM pg_publication WHERE pubname = ?")) {
      statement.setString(1, publication);
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next()) {
          return false;
        }
        if (!row.getBoolean(1)) {
          throw new ConfigurationException("Publication '" + publication + "' does not publish every"
              + " insert, update and delete, so LOG_BASED would miss changes. Run ALTER PUBLICATION "
              + publication + " SET (publish = 'insert, update, delete'), or name another publication.");
        }
        if (stream.relation().kind() == 'p' && !row.getBoolean(2)) {
          throw new ConfigurationException("Publication '" + publication + "' publishes the partitions"
              + " of " + qualified(stream) + " under their own names. Run ALTER PUBLICATION " + publication
              + " SET (publish_via_partition_root = true), or name another publication.");
        }
        return true;
      }
    }
  }

  private static String qualified(PostgresStream stream) {
    return PostgresIdentifiers.quote(stream.table().schemaName()) + "."
        + PostgresIdentifiers.quote(stream.table().tableName());
  }

  // ---- reading

  Stream<ObjectNode> records(PostgresStream stream, StreamContext context) {
    check(stream, context);
    if (context.isTestRun()) {
      // --test reads one row: no slot or publication is made for it
      try {
        Connection connection = connections.open();
        connection.setAutoCommit(false);
        connection.setReadOnly(true);
        return stream.copy(context, connection);
      } catch (SQLException e) {
        throw new TaplineException("Stream '" + stream.spec().name() + "': " + e.getMessage().strip(), e);
      }
    }
    JsonNode saved = context.bookmark().map(b -> (JsonNode) b).orElse(Json.object());
    Long bookmark = position(saved);
    ChangeReader reader = new ChangeReader(stream, context);
    if (saved.has(OLD_KEY) || saved.has(OLD_KEY_VALUE)) {
      // a bookmark of the earlier form: kept in the new one
      context.putBookmark(OLD_KEY, null);
      context.putBookmark(OLD_KEY_VALUE, null);
      if (bookmark != null) {
        context.putBookmark(LSN_BOOKMARK, Json.NODES.numberNode(bookmark));
      }
    }
    if (bookmark != null && saved.path(VERSION_BOOKMARK).canConvertToLong()) {
      context.setRecordVersion(saved.get(VERSION_BOOKMARK).longValue());
    }
    try {
      ensurePublication(stream);
      if (bookmark == null) {
        reader.startWithCopy();
      } else {
        reader.startAt(bookmark);
      }
    } catch (SQLException e) {
      reader.close();
      throw new TaplineException("Stream '" + stream.spec().name() + "': starting LOG_BASED replication"
          + " failed: " + e.getMessage().strip(), e);
    } catch (RuntimeException e) {
      reader.close();
      throw e;
    }
    return StreamSupport.stream(reader, false).onClose(reader::close);
  }

  /**
   * The log position of a stream's bookmark: its {@code lsn}, else the value of the earlier form
   * bookmarked on {@code _sdc_lsn}; null when it has none.
   */
  static Long position(JsonNode bookmark) {
    JsonNode lsn = bookmark.path(LSN_BOOKMARK);
    if (lsn.isIntegralNumber()) {
      return lsn.longValue();
    }
    JsonNode old = bookmark.path(OLD_KEY_VALUE);
    if (PostgresStream.LSN.equals(bookmark.path(OLD_KEY).asText()) && old.isIntegralNumber()) {
      return old.longValue();
    }
    return null;
  }

  /** Creates the publication with the stream's table, or adds the table to it. */
  private void ensurePublication(PostgresStream stream) throws SQLException {
    String publication = settings.publicationName();
    String table = qualified(stream);
    try (Connection connection = connections.open()) {
      boolean exists = publicationExists(connection, stream);
      boolean member;
      try (PreparedStatement statement = connection.prepareStatement(
          "SELECT EXISTS (SELECT 1 FROM pg_publication_tables WHERE pubname = ? AND schemaname = ? AND tablename = ?)")) {
        statement.setString(1, publication);
        statement.setString(2, stream.table().schemaName());
        statement.setString(3, stream.table().tableName());
        try (ResultSet row = statement.executeQuery()) {
          row.next();
          member = row.getBoolean(1);
        }
      }
      if (member) {
        return;
      }
      try (Statement statement = connection.createStatement()) {
        if (!exists) {
          log.info("Creating publication " + publication + " for " + table + ".");
          statement.execute("CREATE PUBLICATION " + PostgresIdentifiers.quote(publication) + " FOR TABLE "
              + table + " WITH (publish_via_partition_root = true)");
        } else {
          log.info("Adding " + table + " to publication " + publication + ".");
          statement.execute("ALTER PUBLICATION " + PostgresIdentifiers.quote(publication) + " ADD TABLE " + table);
        }
      } catch (SQLException e) {
        throw new ConfigurationException("Cannot " + (exists ? "add " + table + " to" : "create")
            + " publication '" + publication + "': " + e.getMessage().strip() + ". Create it as the"
            + " table's owner (CREATE PUBLICATION " + publication + " FOR TABLE " + table
            + " WITH (publish_via_partition_root = true)) or grant ownership.");
      }
    }
  }

  private static long currentLsn(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT pg_current_wal_lsn()")) {
      row.next();
      return LogSequenceNumber.valueOf(row.getString(1)).asLong();
    }
  }

  /**
   * A log position at or after every commit made so far: the position of a tiny logical message
   * written now (so decoding moves past it even on an idle server), else the current position.
   */
  private long endPosition() throws SQLException {
    try (Connection connection = connections.open()) {
      try (Statement statement = connection.createStatement();
          ResultSet row = statement.executeQuery("SELECT pg_logical_emit_message(false, 'tapline', '')")) {
        row.next();
        return LogSequenceNumber.valueOf(row.getString(1)).asLong();
      } catch (SQLException e) {
        return currentLsn(connection);
      }
    }
  }

  /** Reads the copy (when there is one), then the changes of one table from the slot. */
  private final class ChangeReader extends Spliterators.AbstractSpliterator<ObjectNode> {
    private final PostgresStream stream;
    private final StreamContext context;
    private final String schemaName;
    private final String tableName;
    private final ArrayDeque<ObjectNode> ready = new ArrayDeque<>();
    private final Map<Integer, PgOutputMessage.Relation> relations = new HashMap<>();
    private final Set<String> unknownColumns = new HashSet<>();
    private final Map<String, ByteValues.BytesValue> converters = new HashMap<>();
    private Iterator<ObjectNode> copy;
    private Stream<ObjectNode> copyStream;
    private long copyEndPosition;
    private Connection replicationConnection;
    private PGReplicationStream replication;
    private Connection lookupConnection;
    private long endPosition = Long.MAX_VALUE;
    private long startedNanos;
    private long lastMessageNanos;
    private boolean inTransaction;
    private long transactionLsn;
    private String transactionTime;
    private long changes;
    private boolean finished;
    private boolean reachedEnd;
    private long resumePosition;
    private int reconnections;
    private long copyVersion;
    private long lastHandedLsn = -1;
    private long lastBookmarkedLsn = -1;
    private int untilState;

    ChangeReader(PostgresStream stream, StreamContext context) {
      super(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL);
      this.stream = stream;
      this.context = context;
      this.schemaName = stream.table().schemaName();
      this.tableName = stream.table().tableName();
      stream.relation().converters().forEach((name, converter) -> converters.put(name, ByteValues.of(converter)));
      this.untilState = context.stateIntervalRows();
    }

    void startWithCopy() throws SQLException {
      Connection copyConnection = connections.open();
      try {
        copyConnection.setAutoCommit(false);
        copyConnection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        copyConnection.setReadOnly(true);
        if (slotExists()) {
          copyEndPosition = currentLsn(copyConnection);
          copyConnection.commit();
          context.log().info("Initial copy of " + schemaName + "." + tableName + "; its changes are read"
              + " from log position " + LogSequenceNumber.valueOf(copyEndPosition).asString() + " on.");
        } else {
          Connection slotConnection = connections.openReplication();
          try {
            ReplicationSlotInfo slot = slotConnection.unwrap(PGConnection.class).getReplicationAPI()
                .createReplicationSlot().logical().withSlotName(slotName()).withOutputPlugin("pgoutput").make();
            try (Statement statement = copyConnection.createStatement()) {
              statement.execute("SET TRANSACTION SNAPSHOT "
                  + PostgresIdentifiers.literal(slot.getSnapshotName()));
            }
            copyEndPosition = slot.getConsistentPoint().asLong();
            context.log().info("Created replication slot " + slotName() + " at "
                + slot.getConsistentPoint().asString() + "; initial copy of " + schemaName + "." + tableName
                + " from its snapshot.");
          } finally {
            slotConnection.close();
          }
        }
      } catch (SQLException | RuntimeException e) {
        closeQuietly(copyConnection);
        throw e;
      }
      copyStream = stream.copy(context, copyConnection);
      copy = copyStream.iterator();
      JsonNode earlierVersion = context.bookmark().map(b -> b.get(VERSION_BOOKMARK)).orElse(null);
      boolean copiedBefore = earlierVersion != null;
      copyVersion = JdbcStream.newVersion(earlierVersion);
      context.putBookmark(VERSION_BOOKMARK, Json.NODES.numberNode(copyVersion));
      context.putBookmark(LSN_BOOKMARK, null);
      if (copiedBefore) {
        // the destination keeps the rows of the earlier version until this copy is complete
        context.setRecordVersion(copyVersion);
      } else {
        context.activateVersion(copyVersion);
      }
    }

    void startAt(long position) throws SQLException {
      try (Connection connection = connections.open();
          PreparedStatement statement = connection.prepareStatement(
              "SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = ?")) {
        statement.setString(1, slotName());
        try (ResultSet row = statement.executeQuery()) {
          if (!row.next()) {
            throw new ConfigurationException("Stream '" + stream.spec().name() + "' has a log position"
                + " in the state, but replication slot " + slotName() + " does not exist: changes since"
                + " then are gone. Remove the stream's bookmark from the state to take a new initial copy.");
          }
          long confirmed = LogSequenceNumber.valueOf(row.getString(1)).asLong();
          if (confirmed > position) {
            throw new ConfigurationException("Stream '" + stream.spec().name() + "': replication slot "
                + slotName() + " has consumed the log up to " + LogSequenceNumber.valueOf(confirmed).asString()
                + ", past the state's position " + LogSequenceNumber.valueOf(position).asString()
                + ", so changes in between are gone. Use the latest state, or remove the stream's"
                + " bookmark to take a new initial copy.");
          }
        }
      }
      openReplication(position);
    }

    private boolean slotExists() throws SQLException {
      try (Connection connection = connections.open();
          PreparedStatement statement =
              connection.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
        statement.setString(1, slotName());
        try (ResultSet row = statement.executeQuery()) {
          return row.next();
        }
      }
    }

    /** The lowest log position of the LOG_BASED bookmarks in the state the run started with. */
    private Long committedPosition() {
      Long lowest = null;
      JsonNode bookmarks = context.state().path("bookmarks");
      for (String name : streamNames) {
        Long value = position(bookmarks.path(name));
        if (value != null) {
          lowest = lowest == null ? value : Math.min(lowest, value);
        }
      }
      return lowest;
    }

    private void openReplication(long position) throws SQLException {
      resumePosition = position;
      if (settings.breakAtEndLsn() && endPosition == Long.MAX_VALUE) {
        endPosition = LogicalReplication.this.endPosition();
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        replicationConnection = connections.openReplication();
        try {
          replication = replicationConnection.unwrap(PGConnection.class).getReplicationAPI()
              .replicationStream().logical()
              .withSlotName(slotName())
              .withSlotOption("proto_version", "1")
              .withSlotOption("publication_names", settings.publicationName())
              .withStartPosition(LogSequenceNumber.valueOf(position))
              .withStatusInterval(1, TimeUnit.SECONDS)
              .withAutomaticFlush(false)
              .start();
          break;
        } catch (SQLException e) {
          closeQuietly(replicationConnection);
          replicationConnection = null;
          // the slot stays active for a moment after an earlier reader (another stream) closed
          if (!"55006".equals(e.getSQLState()) || System.nanoTime() > deadline) {
            throw e;
          }
          sleep(200);
        }
      }
      Long committed = committedPosition();
      if (committed != null) {
        LogSequenceNumber acknowledged = LogSequenceNumber.valueOf(committed);
        replication.setFlushedLSN(acknowledged);
        replication.setAppliedLSN(acknowledged);
        replication.forceUpdateStatus();
      }
      if (startedNanos == 0) {
        startedNanos = System.nanoTime();
      }
      lastMessageNanos = System.nanoTime();
      context.log().info("Reading changes of " + schemaName + "." + tableName + " from slot " + slotName()
          + " at " + LogSequenceNumber.valueOf(position).asString()
          + (committed == null ? "" : "; log consumed up to " + LogSequenceNumber.valueOf(committed).asString())
          + (endPosition == Long.MAX_VALUE ? "" : "; stopping at " + LogSequenceNumber.valueOf(endPosition).asString()) + ".");
    }

    @Override
    public boolean tryAdvance(Consumer<? super ObjectNode> action) {
      try {
        if (copy != null) {
          if (nextFromCopy(action)) {
            return true;
          }
        }
        while (ready.isEmpty()) {
          if (finished || !readLog()) {
            bookmark(lastHandedLsn);
            return false;
          }
        }
        if (--untilState < 0) {
          // every change handed over so far is at or before it: a target committing this
          // STATE has them all
          untilState = context.stateIntervalRows() - 1;
          bookmark(lastHandedLsn);
          context.emitState();
        }
        ObjectNode change = ready.poll();
        lastHandedLsn = change.get(PostgresStream.LSN).longValue();
        action.accept(change);
        return true;
      } catch (SQLException e) {
        throw new TaplineException("Stream '" + stream.spec().name() + "': reading the log failed: "
            + e.getMessage().strip(), e);
      }
    }

    /** Hands over the copy; its last record carries the log position the changes start from. */
    private boolean nextFromCopy(Consumer<? super ObjectNode> action) throws SQLException {
      if (!copy.hasNext()) {
        finishCopy();
        return false;
      }
      ObjectNode record = copy.next();
      if (!copy.hasNext()) {
        record.put(PostgresStream.LSN, copyEndPosition);
      }
      action.accept(record);
      return true;
    }

    /** After the copy's last record: the end of its version, its position, then the log. */
    private void finishCopy() throws SQLException {
      copy = null;
      copyStream.close();
      copyStream = null;
      if (context.isTestRun()) {
        finished = true;
        return;
      }
      context.activateVersion(copyVersion);
      bookmark(copyEndPosition);
      context.emitState();
      openReplication(copyEndPosition);
    }

    /** Sets the {@code lsn} of the bookmark, when there is a new one. */
    private void bookmark(long lsn) {
      if (lsn >= 0 && lsn != lastBookmarkedLsn) {
        context.putBookmark(LSN_BOOKMARK, Json.NODES.numberNode(lsn));
        lastBookmarkedLsn = lsn;
      }
    }

    /** Reads log messages until a record is ready (true) or it is time to stop (false). */
    private boolean readLog() throws SQLException {
      while (ready.isEmpty()) {
        if (reachedEnd && !inTransaction) {
          context.log().info("Reached the end of the log as it was at the start.");
          return stop();
        }
        long now = System.nanoTime();
        if (now - startedNanos > TimeUnit.SECONDS.toNanos(settings.maxRunSeconds())) {
          context.log().info("Stopping after max_run_seconds = " + settings.maxRunSeconds() + ".");
          return stop();
        }
        ByteBuffer buffer;
        try {
          buffer = replication.readPending();
        } catch (SQLException e) {
          reconnect(e);
          continue;
        }
        if (buffer == null) {
          if (!inTransaction && replication.getLastReceiveLSN().asLong() >= endPosition) {
            context.log().info("Reached the end of the log as it was at the start.");
            return stop();
          }
          if (now - lastMessageNanos > TimeUnit.SECONDS.toNanos(settings.logicalPollTotalSeconds())) {
            context.log().info("No change for logical_poll_total_seconds = "
                + settings.logicalPollTotalSeconds() + "; stopping.");
            return stop();
          }
          sleep(POLL_SLEEP_MILLIS);
          continue;
        }
        lastMessageNanos = now;
        handle(PgOutputMessage.decode(buffer));
      }
      return true;
    }

    /**
     * The server ends a replication connection that sends no feedback for {@code
     * wal_sender_timeout}, which happens while a slow consumer keeps this thread blocked on
     * output. The log is then read again from the end of the last whole transaction: the one in
     * progress comes again from its start (duplicates, no gap).
     */
    private void reconnect(SQLException lost) throws SQLException {
      String state = lost.getSQLState() == null ? "" : lost.getSQLState();
      if (!(state.startsWith("08") || state.startsWith("57P")) || ++reconnections > 5) {
        throw lost;
      }
      context.log().warn("The replication connection was lost (" + lost.getMessage().strip()
          + "); reading the log again from " + LogSequenceNumber.valueOf(resumePosition).asString() + ".");
      closeQuietly(replication);
      closeQuietly(replicationConnection);
      replication = null;
      replicationConnection = null;
      inTransaction = false;
      openReplication(resumePosition);
    }

    private boolean stop() {
      finished = true;
      context.log().info("Stream '" + stream.spec().name() + "': " + changes + " changes read from the log.");
      return false;
    }

    private void handle(PgOutputMessage message) throws SQLException {
      if (message instanceof PgOutputMessage.Begin begin) {
        inTransaction = true;
        transactionLsn = begin.finalLsn();
        transactionTime = Timestamps.format(Instant.EPOCH.plus(
            begin.commitMicros() + PgOutputMessage.POSTGRES_EPOCH_MICROS, java.time.temporal.ChronoUnit.MICROS));
      } else if (message instanceof PgOutputMessage.Commit commit) {
        inTransaction = false;
        resumePosition = commit.endLsn();
        if (commit.endLsn() >= endPosition) {
          reachedEnd = true;
        }
      } else if (message instanceof PgOutputMessage.Relation relation) {
        relations.put(relation.relationId(), relation);
      } else if (message instanceof PgOutputMessage.Insert insert) {
        PgOutputMessage.Relation relation = ours(insert.relationId());
        if (relation != null) {
          ready.add(record(relation, insert.newTuple(), false, false));
        }
      } else if (message instanceof PgOutputMessage.Update update) {
        PgOutputMessage.Relation relation = ours(update.relationId());
        if (relation != null) {
          ready.add(record(relation, update.newTuple(), false, false));
        }
      } else if (message instanceof PgOutputMessage.Delete delete) {
        PgOutputMessage.Relation relation = ours(delete.relationId());
        if (relation != null) {
          ready.add(record(relation, delete.oldTuple(), true, relation.replicaIdentity() != 'f'));
        }
      } else if (message instanceof PgOutputMessage.Truncate truncate) {
        for (int id : truncate.relationIds()) {
          if (ours(id) != null) {
            context.log().warn("Table " + schemaName + "." + tableName + " was truncated; the log"
                + " carries no deletes for its rows. Take a new initial copy (remove the stream's"
                + " bookmark) to bring the destination back in line.");
          }
        }
      }
    }

    private PgOutputMessage.Relation ours(int relationId) {
      PgOutputMessage.Relation relation = relations.get(relationId);
      if (relation == null || !relation.name().equals(tableName) || !relation.namespace().equals(schemaName)) {
        return null;
      }
      return relation;
    }

    private ObjectNode record(PgOutputMessage.Relation relation, PgOutputMessage.Tuple tuple,
        boolean deleted, boolean keyOnly) throws SQLException {
      ObjectNode record = Json.NODES.objectNode();
      List<String> unchanged = null;
      byte[][] values = tuple.values();
      List<PgOutputMessage.Column> columns = relation.columns();
      for (int i = 0; i < columns.size() && i < values.length; i++) {
        PgOutputMessage.Column column = columns.get(i);
        String name = column.name();
        ByteValues.BytesValue converter = converters.get(name);
        if (converter == null) {
          if (unknownColumns.add(name)) {
            context.log().warn("Column " + name + " of " + schemaName + "." + tableName + " is not in the"
                + " stream's schema (added after discovery, or dropped since); its values are left out.");
          }
          continue;
        }
        if (keyOnly && !column.key() || !context.isPropertySelected(name)) {
          continue;
        }
        byte[] text = values[i];
        if (text == PgOutputMessage.UNCHANGED_TOAST) {
          if (unchanged == null) {
            unchanged = new ArrayList<>();
          }
          unchanged.add(name);
        } else {
          record.set(name, text == null ? NullNode.getInstance() : converter.convert(text));
        }
      }
      if (unchanged != null) {
        fillUnchanged(record, unchanged);
      }
      record.put(PostgresStream.LSN, transactionLsn);
      if (deleted) {
        record.put(PostgresStream.DELETED_AT, transactionTime);
      } else {
        record.putNull(PostgresStream.DELETED_AT);
      }
      changes++;
      return record;
    }

    /**
     * Large values an update left unchanged are not in the log; they are read from the table by
     * key. The table may hold a newer value by now, which a later change in the log brings too.
     */
    private void fillUnchanged(ObjectNode record, List<String> unchanged) throws SQLException {
      List<String> key = stream.table().primaryKey();
      if (key.isEmpty()) {
        context.log().warn("An update of " + schemaName + "." + tableName + " left large values of "
            + unchanged + " unchanged and the table has no primary key to read them by; they are left out.");
        return;
      }
      if (lookupConnection == null) {
        lookupConnection = connections.open();
      }
      StringBuilder sql = new StringBuilder("SELECT ");
      for (int i = 0; i < unchanged.size(); i++) {
        sql.append(i == 0 ? "" : ", ").append(PostgresIdentifiers.quote(unchanged.get(i)));
      }
      sql.append(" FROM ").append(PostgresIdentifiers.quote(schemaName)).append('.')
          .append(PostgresIdentifiers.quote(tableName)).append(" WHERE ");
      for (int i = 0; i < key.size(); i++) {
        sql.append(i == 0 ? "" : " AND ").append(PostgresIdentifiers.quote(key.get(i))).append(" = ?");
      }
      try (PreparedStatement statement = lookupConnection.prepareStatement(sql.toString())) {
        for (int i = 0; i < key.size(); i++) {
          JsonNode value = record.get(key.get(i));
          statement.setObject(i + 1, value == null || value.isNull() ? null : value.asText(), Types.OTHER);
        }
        try (ResultSet row = statement.executeQuery()) {
          if (row.next()) {
            for (int i = 0; i < unchanged.size(); i++) {
              JdbcColumn column = stream.table().column(unchanged.get(i)).orElseThrow();
              record.set(column.name(), column.reader().read(row, i + 1));
            }
          }
        }
      }
    }

    void close() {
      if (copyStream != null) {
        copyStream.close();
        copyStream = null;
      }
      if (replication != null) {
        closeQuietly(replication);
        replication = null;
      }
      closeQuietly(replicationConnection);
      replicationConnection = null;
      closeQuietly(lookupConnection);
      lookupConnection = null;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaplineException("Interrupted while reading the log", e);
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception ignored) {
      // cleaning up; the first problem is the one reported
    }
  }
}
