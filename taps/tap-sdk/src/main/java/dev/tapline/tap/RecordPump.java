package dev.tapline.tap;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads a stream's records on a thread of its own and hands them over in batches, so producing
 * records (parsing, building nodes) and writing them (JSON) use two cores.
 */
final class RecordPump implements AutoCloseable {

  private static final int BATCH_SIZE = 512;
  private static final ObjectNode[] END = new ObjectNode[0];

  private final BlockingQueue<ObjectNode[]> queue = new ArrayBlockingQueue<>(8);
  private final Thread thread;
  private volatile boolean stopped;
  private volatile Throwable failure;
  private ObjectNode[] batch = END;
  private int position;
  private boolean finished;

  RecordPump(String streamName, Iterator<ObjectNode> records) {
    thread = new Thread(() -> produce(records), "records-" + streamName);
    thread.setDaemon(true);
    thread.start();
  }

  private void produce(Iterator<ObjectNode> records) {
    try {
      ObjectNode[] filling = new ObjectNode[BATCH_SIZE];
      int count = 0;
      while (!stopped && records.hasNext()) {
        filling[count++] = records.next();
        if (count == BATCH_SIZE) {
          put(filling);
          filling = new ObjectNode[BATCH_SIZE];
          count = 0;
        }
      }
      if (count > 0) {
        ObjectNode[] last = new ObjectNode[count];
        System.arraycopy(filling, 0, last, 0, count);
        put(last);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable e) {
      failure = e;
    } finally {
      try {
        put(END);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void put(ObjectNode[] items) throws InterruptedException {
    while (!stopped) {
      if (queue.offer(items, 100, TimeUnit.MILLISECONDS)) {
        return;
      }
    }
  }

  /** The next record, or null at the end; rethrows what the producer failed with. */
  ObjectNode next() {
    while (position == batch.length) {
      if (finished) {
        return null;
      }
      try {
        batch = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while reading records", e);
      }
      position = 0;
      if (batch == END) {
        finished = true;
        Throwable problem = failure;
        if (problem instanceof RuntimeException runtime) {
          throw runtime;
        }
        if (problem instanceof Error error) {
          throw error;
        }
        if (problem != null) {
          throw new IllegalStateException(problem);
        }
        return null;
      }
    }
    ObjectNode record = batch[position];
    batch[position++] = null;
    return record;
  }

  /** Stops the producer and waits for it, so the stream can be closed safely. */
  @Override
  public void close() {
    stopped = true;
    queue.clear();
    try {
      thread.join(10_000);
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(5_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
