package dev.tapline.tap.http;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Joins record streams one element at a time. {@code Stream.flatMap} read through {@code
 * iterator()} (as the SDK reads records) takes in the whole inner stream before handing out its
 * first element: every page of a window, or every child of a parent, in memory at once, and
 * anything the inner stream does at its end runs before its records are handed over. These joins
 * do neither: an inner stream is opened when the previous one is read to the end, and its records
 * go out one by one.
 */
public final class LazyStreams {

  private LazyStreams() {}

  /**
   * {@code outer.flatMap(inner)}, lazily; {@code afterEach} runs with an outer element once its
   * inner stream was read to the end (before the next one is opened, and not when the result is
   * closed early). Closing the result closes the open inner stream and {@code outer}.
   */
  public static <T, R> Stream<R> flatMap(Stream<T> outer,
      Function<? super T, ? extends Stream<? extends R>> inner, Consumer<? super T> afterEach) {
    Flattening<T, R> flattening = new Flattening<>(outer.iterator(), inner, afterEach);
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(flattening, Spliterator.ORDERED | Spliterator.NONNULL),
            false)
        .onClose(flattening::close)
        .onClose(outer::close);
  }

  /** {@code outer.flatMap(inner)}, lazily. */
  public static <T, R> Stream<R> flatMap(Stream<T> outer,
      Function<? super T, ? extends Stream<? extends R>> inner) {
    return flatMap(outer, inner, item -> {});
  }

  /**
   * The elements of {@code first}, then those of the stream {@code second} gives, which is called
   * only once {@code first} was read to the end.
   */
  public static <R> Stream<R> concat(Stream<R> first, Supplier<Stream<R>> second) {
    return flatMap(Stream.of(0, 1), part -> part == 0 ? first : second.get());
  }

  /**
   * The elements of {@code stream}, then {@code atEnd} runs once they were all read (not when the
   * result is closed early), on the thread reading them.
   */
  public static <R> Stream<R> thenRun(Stream<R> stream, Runnable atEnd) {
    return flatMap(Stream.of(stream), Function.identity(), done -> atEnd.run());
  }

  private static final class Flattening<T, R> implements Iterator<R> {
    private final Iterator<T> outer;
    private final Function<? super T, ? extends Stream<? extends R>> inner;
    private final Consumer<? super T> afterEach;
    private T item;
    private Stream<? extends R> stream;
    private Iterator<? extends R> current;

    Flattening(Iterator<T> outer, Function<? super T, ? extends Stream<? extends R>> inner,
        Consumer<? super T> afterEach) {
      this.outer = outer;
      this.inner = inner;
      this.afterEach = afterEach;
    }

    @Override
    public boolean hasNext() {
      while (true) {
        if (current != null) {
          if (current.hasNext()) {
            return true;
          }
          T finished = item;
          close();
          afterEach.accept(finished);
        }
        if (!outer.hasNext()) {
          return false;
        }
        item = outer.next();
        stream = inner.apply(item);
        current = stream.iterator();
      }
    }

    @Override
    public R next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return current.next();
    }

    void close() {
      Stream<? extends R> open = stream;
      stream = null;
      current = null;
      item = null;
      if (open != null) {
        open.close();
      }
    }
  }
}
