package dev.tapline.target;

import dev.tapline.spec.Json;
import dev.tapline.spec.Log;
import dev.tapline.spec.Message;
import dev.tapline.spec.MessageReader;
import dev.tapline.spec.ProtocolException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import dev.tapline.spec.RecordMessage;
import dev.tapline.spec.SchemaMessage;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads and parses messages on its own thread, each RECORD with its record's exact JSON text as
 * the reader found it in the line (building the record trees here rather than on the loading
 * thread measured 10% faster end to end: the loading thread validates and writes) and hands them to the loading thread in chunks, so
 * parsing overlaps validation and loading. A chunk is handed over when it is full and whenever the
 * input has nothing more to read right now, so a slow tap's messages (and its STATE lines) are
 * never held back. At most {@link #QUEUED_CHUNKS} chunks wait, which bounds memory.
 */
final class MessagePump {

  static final int CHUNK_SIZE = 512;
  static final int QUEUED_CHUNKS = 8;

  /** Messages in input order, with the line number and size in bytes of each. */
  static final class Chunk {
    final Message[] messages = new Message[CHUNK_SIZE];
    final long[] lineNumbers = new long[CHUNK_SIZE];
    final int[] sizes = new int[CHUNK_SIZE];
    /** The exact JSON text of each RECORD's record object, or null. */
    final byte[][] recordTexts = new byte[CHUNK_SIZE][];
    /** The RECORDs read flat, in place of a message (which is then null). */
    final FlatRecord[] flats = new FlatRecord[CHUNK_SIZE];

    int count;
    /** Set on the last chunk when reading failed after its messages. */
    RuntimeException failure;
    /** Set on the last chunk. */
    boolean end;
  }

  private final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUED_CHUNKS);

  /** Made on the reading thread, whose start it is part of (the parsers warm up once per process). */
  private MessageReader reader;
  private final InputStream input;
  private final Log log;
  private final Thread thread;
  private volatile boolean stopped;
  private Chunk current = new Chunk();

  private final boolean keepRecordText;
  /** Reads plain RECORDs flat; null when the target takes only trees. */
  private final boolean flatRecords;

  /**
   * @param flatRecords whether RECORDs of streams with a {@link FlatLayout} are read as {@link
   *     FlatRecord}s (see {@link Target#acceptsFlatRecords()})
   */
  MessagePump(InputStream input, Log log, boolean keepRecordText, boolean flatRecords) {
    this.keepRecordText = keepRecordText;
    this.flatRecords = flatRecords && !keepRecordText;
    this.input = input;
    this.log = log;
    this.thread = new Thread(this::run, "tapline-reader");
    this.thread.setDaemon(true);
  }

  void start() {
    // the parsers' once-per-process warm-ups run beside the reading thread, which starts reading at once
    Thread warmUp = new Thread(() -> {
      MessageReader.warmUp();
      if (flatRecords) {
        FlatScanner.warmUp();
      }
    }, "tapline-warm-up");
    warmUp.setDaemon(true);
    warmUp.start();
    thread.start();
  }

  /** The next chunk, or null when none arrived within the timeout. */
  Chunk poll(long timeoutMillis) throws InterruptedException {
    return queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /** Makes the reading thread stop at its next hand-over; it may stay blocked in a read. */
  void stop() {
    stopped = true;
    queue.clear();
  }

  private void run() {
    try {
      // made here, not on the loading thread: their once-per-process warm-ups overlap the loading thread's start
      reader = new MessageReader(new HandOverBeforeBlocking(input), warning -> log.warn(warning));
      FlatScanner scanner = flatRecords ? new FlatScanner() : null;
      while (!stopped && reader.advance()) {
        FlatRecord flat = scanner == null ? null : scanner.scan(reader.lineBytes(), reader.lineStart(), reader.lineEnd());
        Message message = null;
        if (flat == null) {
          message = reader.parseLine();
          if (message == null) {
            continue;
          }
          if (scanner != null && message instanceof SchemaMessage schema) {
            scanner.schema(schema);
          }
        }
        Chunk chunk = current;
        chunk.messages[chunk.count] = message;
        chunk.flats[chunk.count] = flat;
        chunk.lineNumbers[chunk.count] = reader.lineNumber();
        chunk.sizes[chunk.count] = reader.lastLineLength();
        chunk.recordTexts[chunk.count] =
            keepRecordText && message instanceof RecordMessage ? reader.lastRecordJson() : null;
        // a SCHEMA goes over at once: the loading thread prepares its table while this one reads on
        if (++chunk.count == CHUNK_SIZE || message instanceof SchemaMessage) {
          handOver();
        }
      }
      current.end = true;
    } catch (RuntimeException e) {
      current.failure = e;
      current.end = true;
    } catch (StackOverflowError e) {
      // never leave the loading thread waiting for a chunk that will not come
      long line = reader == null ? 1 : reader.lineNumber() + 1;
      current.failure = new ProtocolException("Line " + line + " or near it is nested too deep"
          + " to read (at most " + Json.MAX_NESTING + " levels).", line, null);
      current.end = true;
    } catch (Error e) {
      current.failure = new IllegalStateException("the reading thread failed: " + e, e);
      current.end = true;
    }
    try {
      queue.put(current);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handOver() {
    if (current.count == 0 || stopped) {
      return;
    }
    try {
      queue.put(current);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped = true;
    }
    current = new Chunk();
  }

  /** Hands the messages read so far over before a read that would wait for the tap. */
  private final class HandOverBeforeBlocking extends FilterInputStream {

    HandOverBeforeBlocking(InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (current.count > 0 && in.available() == 0) {
        handOver();
      }
      return in.read(buffer, offset, length);
    }
  }
}
