package dev.tapline.tap;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads a stream's records on a thread of its own and hands them over in batches, so producing
 * records (parsing, building nodes) and writing them (JSON) use two cores. The requests the stream
 * makes of its context ({@link StreamEvents.Event}) travel in the same batches, before the record
 * that followed them, so the writing side sees records and requests in the order they were made.
 */
final class RecordPump implements AutoCloseable {

  private static final int BATCH_SIZE = 512;
  private static final Object[] END = new Object[0];

  private final BlockingQueue<Object[]> queue = new ArrayBlockingQueue<>(8);
  private final Thread thread;
  private volatile boolean stopped;
  private volatile Throwable failure;
  private Object[] batch = END;
  private int position;
  private boolean finished;

  private final StreamEvents events;
  // the batch being filled, used by the producing thread only
  private Object[] filling = new Object[BATCH_SIZE];
  private int filled;

  RecordPump(String streamName, Iterator<ObjectNode> records, StreamEvents events) {
    this.events = events;
    thread = new Thread(() -> produce(records), "records-" + streamName);
    thread.setDaemon(true);
    thread.start();
  }

  private void produce(Iterator<ObjectNode> records) {
    try {
      while (!stopped && records.hasNext()) {
        ObjectNode record = records.next();
        addEvents();
        add(record);
      }
      if (!stopped) {
        addEvents();
      }
      if (filled > 0) {
        Object[] last = new Object[filled];
        System.arraycopy(filling, 0, last, 0, filled);
        put(last);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable e) {
      failure = e;
      handOverBeforeFailure();
    } finally {
      try {
        put(END);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Hands over what the stream produced before it failed (records, and requests such as a STATE
   * after them), so the writing side still writes them before it rethrows the failure.
   */
  private void handOverBeforeFailure() {
    try {
      addEvents();
      if (filled > 0) {
        Object[] last = new Object[filled];
        System.arraycopy(filling, 0, last, 0, filled);
        filled = 0;
        put(last);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Adds the requests the stream made since the last record; on the producing thread. */
  private void addEvents() throws InterruptedException {
    if (events.hasPending()) {
      for (StreamEvents.Event event : events.drain()) {
        add(event);
      }
    }
  }

  private void add(Object item) throws InterruptedException {
    if (filled == BATCH_SIZE) {
      put(filling);
      filling = new Object[BATCH_SIZE];
      filled = 0;
    }
    filling[filled++] = item;
  }

  private void put(Object[] items) throws InterruptedException {
    while (!stopped) {
      if (queue.offer(items, 100, TimeUnit.MILLISECONDS)) {
        return;
      }
    }
  }

  /**
   * The next record ({@link ObjectNode}) or request ({@link StreamEvents.Event}), or null at the
   * end; rethrows what the producer failed with.
   */
  Object next() {
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
    Object item = batch[position];
    batch[position++] = null;
    return item;
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
