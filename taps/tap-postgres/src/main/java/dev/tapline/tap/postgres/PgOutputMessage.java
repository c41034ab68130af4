package dev.tapline.tap.postgres;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages of PostgreSQL's {@code pgoutput} logical decoding plugin (protocol version 1) that
 * the tap uses, decoded from the bytes of one XLogData payload.
 */
sealed interface PgOutputMessage {

  /** A transaction starts; {@code finalLsn} is where its commit record starts. */
  record Begin(long finalLsn, long commitMicros, int transactionId) implements PgOutputMessage {}

  /** A transaction ends; {@code endLsn} is just past its commit record. */
  record Commit(long commitLsn, long endLsn, long commitMicros) implements PgOutputMessage {}

  /** The shape of a table, sent before its first change in a session and after it changes. */
  record Relation(int relationId, String namespace, String name, char replicaIdentity,
      List<Column> columns) implements PgOutputMessage {}

  /** A column of a {@link Relation}. */
  record Column(String name, int typeOid, int typmod, boolean key) {}

  /** A row inserted: its new values. */
  record Insert(int relationId, Tuple newTuple) implements PgOutputMessage {}

  /** A row updated: the new values, and the old key or row when the replica identity sends it. */
  record Update(int relationId, Tuple oldTuple, Tuple newTuple) implements PgOutputMessage {}

  /** A row deleted: its old key (or whole row under {@code REPLICA IDENTITY FULL}). */
  record Delete(int relationId, Tuple oldTuple) implements PgOutputMessage {}

  /** Tables emptied. */
  record Truncate(List<Integer> relationIds) implements PgOutputMessage {}

  /** Anything else (origin, type, logical message): ignored. */
  record Other(char kind) implements PgOutputMessage {}

  /**
   * The values of a row in column order: UTF-8 text, null, or {@link #UNCHANGED_TOAST} (compare by
   * identity) for a large value that did not change and was not sent.
   */
  record Tuple(byte[][] values) {}

  /** Marks a TOASTed value an update left unchanged and pgoutput did not send. */
  byte[] UNCHANGED_TOAST = new byte[0];

  /** Microseconds between 1970-01-01 and PostgreSQL's epoch 2000-01-01. */
  long POSTGRES_EPOCH_MICROS = 946_684_800_000_000L;

  static PgOutputMessage decode(ByteBuffer buffer) {
    char kind = (char) buffer.get();
    switch (kind) {
      case 'B':
        return new Begin(buffer.getLong(), buffer.getLong(), buffer.getInt());
      case 'C': {
        buffer.get();
        return new Commit(buffer.getLong(), buffer.getLong(), buffer.getLong());
      }
      case 'R': {
        int id = buffer.getInt();
        String namespace = string(buffer);
        String name = string(buffer);
        char identity = (char) buffer.get();
        int count = buffer.getShort();
        List<Column> columns = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          boolean key = (buffer.get() & 1) != 0;
          String column = string(buffer);
          columns.add(new Column(column, buffer.getInt(), buffer.getInt(), key));
        }
        return new Relation(id, namespace, name, identity, columns);
      }
      case 'I': {
        int id = buffer.getInt();
        buffer.get();
        return new Insert(id, tuple(buffer));
      }
      case 'U': {
        int id = buffer.getInt();
        char part = (char) buffer.get();
        Tuple old = null;
        if (part == 'K' || part == 'O') {
          old = tuple(buffer);
          part = (char) buffer.get();
        }
        return new Update(id, old, tuple(buffer));
      }
      case 'D': {
        int id = buffer.getInt();
        buffer.get();
        return new Delete(id, tuple(buffer));
      }
      case 'T': {
        int count = buffer.getInt();
        buffer.get();
        List<Integer> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          ids.add(buffer.getInt());
        }
        return new Truncate(ids);
      }
      default:
        return new Other(kind);
    }
  }

  private static Tuple tuple(ByteBuffer buffer) {
    int count = buffer.getShort();
    byte[][] values = new byte[count][];
    for (int i = 0; i < count; i++) {
      char kind = (char) buffer.get();
      switch (kind) {
        case 'n' -> values[i] = null;
        case 'u' -> values[i] = UNCHANGED_TOAST;
        case 't', 'b' -> {
          int length = buffer.getInt();
          values[i] = new byte[length];
          buffer.get(values[i]);
        }
        default -> throw new IllegalStateException("Unknown pgoutput tuple value kind '" + kind + "'");
      }
    }
    return new Tuple(values);
  }

  private static String string(ByteBuffer buffer) {
    int start = buffer.position();
    int end = start;
    while (buffer.get(end) != 0) {
      end++;
    }
    String text = new String(buffer.array(), buffer.arrayOffset() + start, end - start, StandardCharsets.UTF_8);
    buffer.position(end + 1);
    return text;
  }
}
