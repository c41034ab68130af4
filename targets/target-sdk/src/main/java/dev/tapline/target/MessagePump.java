package dev.tapline.target;

import dev.tapline.spec.Log;
import dev.tapline.spec.Message;
import dev.tapline.spec.MessageReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import dev.tapline.spec.RecordMessage;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads and parses messages on its own thread (keeping the recent input bytes so that each
 * RECORD's exact JSON text can travel with it) and hands them to the loading thread in chunks, so
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
    int count;
    /** Set on the last chunk when reading failed after its messages. */
    RuntimeException failure;
    /** Set on the last chunk. */
    boolean end;
  }

  private final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
  private static final int KEEP_COMPACT_BYTES = 1 << 20;

  private final MessageReader reader;
  private final Thread thread;
  /** The input bytes from {@link #keptStart} on, kept so each RECORD's text can be cut out. */
  private byte[] kept = new byte[KEEP_COMPACT_BYTES * 2];
  private int keptLength;
  private long keptStart;
  private volatile boolean stopped;
  private Chunk current = new Chunk();

  MessagePump(InputStream input, Log log) {
    this.reader = new MessageReader(new HandOverBeforeBlocking(input), warning -> log.warn(warning));
    this.thread = new Thread(this::run, "tapline-reader");
    this.thread.setDaemon(true);
  }

  void start() {
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
      Message message;
      while (!stopped && (message = reader.next()) != null) {
        Chunk chunk = current;
        chunk.messages[chunk.count] = message;
        chunk.lineNumbers[chunk.count] = reader.lineNumber();
        chunk.sizes[chunk.count] = reader.lastLineLength();
        chunk.recordTexts[chunk.count] = message instanceof RecordMessage ? recordText() : null;
        releaseKeptBytes();
        if (++chunk.count == CHUNK_SIZE) {
          handOver();
        }
      }
      current.end = true;
    } catch (RuntimeException e) {
      current.failure = e;
      current.end = true;
    }
    try {
      queue.put(current);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The exact text of the record object of the line just read, or null. */
  private byte[] recordText() {
    long lineEnd = reader.bytesRead();
    int endIndex = (int) (lineEnd - keptStart);
    if (endIndex > 0 && kept[endIndex - 1] == '\n') {
      endIndex--;
    }
    int startIndex = endIndex - reader.lastLineLength();
    byte[] text = null;
    if (startIndex >= 0) {
      long span = RecordText.find(kept, startIndex, endIndex);
      if (span >= 0) {
        text = Arrays.copyOfRange(kept, (int) (span >>> 32), (int) span);
      }
    }
    return text;
  }

  /** Drops the kept bytes of lines already read, once there are enough to be worth moving. */
  private void releaseKeptBytes() {
    long lineEnd = reader.bytesRead();
    if (lineEnd - keptStart > KEEP_COMPACT_BYTES) {
      int consumed = (int) (lineEnd - keptStart);
      System.arraycopy(kept, consumed, kept, 0, keptLength - consumed);
      keptLength -= consumed;
      keptStart = lineEnd;
    }
  }

  private void keep(byte[] bytes, int offset, int length) {
    if (keptLength + length > kept.length) {
      kept = Arrays.copyOf(kept, Math.max(kept.length * 2, keptLength + length));
    }
    System.arraycopy(bytes, offset, kept, keptLength, length);
    keptLength += length;
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
      int n = in.read(buffer, offset, length);
      if (n > 0) {
        keep(buffer, offset, n);
      }
      return n;
    }
  }
}
