package dev.tapline.target;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file that only grows, in commits: for sinks that write lines to files. {@link #output()}
 * stages bytes; {@link #commit()} makes them durable ({@code fsync}); {@link #abort()} cuts the
 * file back to its last committed length.
 *
 * <p>A process killed between commits can leave a partial last line. When such a file is opened
 * again it is cut back after its last line end, so appending continues on a clean line; the cut
 * bytes were never committed, so no state covering them was echoed. (Formats whose records may
 * hold line ends, such as CSV, find the last record end themselves and open without this.)
 *
 * <p>Not thread-safe: used by one sink on the loading thread.
 */
public final class AppendOnlyFile implements AutoCloseable {

  private static final int BUFFER_BYTES = 1 << 18;

  private final Path path;
  private final FileChannel channel;
  private final ChannelOutput output;
  private final boolean createdNew;
  private long committedLength;

  private AppendOnlyFile(Path path, FileChannel channel, boolean createdNew, long length) {
    this.path = path;
    this.channel = channel;
    this.createdNew = createdNew;
    this.committedLength = length;
    this.output = new ChannelOutput();
  }

  /**
   * Opens (creating it and its folders when missing) a file to append to.
   *
   * @param repairPartialLine whether a last line without a line end is cut off (see above)
   */
  public static AppendOnlyFile open(Path path, boolean repairPartialLine) {
    try {
      Path parent = path.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      boolean existed = Files.exists(path);
      FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.READ);
      long length = channel.size();
      if (repairPartialLine && length > 0) {
        long end = lastLineEnd(channel, length);
        if (end < length) {
          dev.tapline.spec.Log.of(AppendOnlyFile.class).warn(path + " ended in a partial line (" + (length - end)
              + " bytes never committed, left by an interrupted run): cut it off before appending");
          channel.truncate(end);
          channel.force(true);
          length = end;
        }
      }
      channel.position(length);
      return new AppendOnlyFile(path, channel, !existed || length == 0, length);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open " + path + " for appending: " + e.getMessage(), e);
    }
  }

  private static long lastLineEnd(FileChannel channel, long length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
    long position = length;
    while (position > 0) {
      int size = (int) Math.min(buffer.capacity(), position);
      position -= size;
      buffer.clear().limit(size);
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, position + buffer.position()) < 0) {
          break;
        }
      }
      for (int i = size - 1; i >= 0; i--) {
        if (buffer.get(i) == '\n') {
          return position + i + 1;
        }
      }
    }
    return 0;
  }

  /** The file. */
  public Path path() {
    return path;
  }

  /** Whether the file was empty when opened (so a header, if any, is due). */
  public boolean isNew() {
    return createdNew;
  }

  /** Where to write; buffered; not closed by the caller. */
  public OutputStream output() {
    return output;
  }

  /** Bytes staged since the last commit. */
  public long stagedBytes() {
    return output.written - committedLength;
  }

  /** Writes out what is staged and forces it to the disk. */
  public void commit() {
    try {
      output.drain();
      channel.force(false);
      committedLength = output.written;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + path + ": " + e.getMessage(), e);
    }
  }

  /** Drops what is staged and cuts the file back to its last committed length. */
  public void abort() {
    try {
      output.discard();
      channel.truncate(committedLength);
      channel.position(committedLength);
      output.written = committedLength;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot cut " + path + " back to its committed length: " + e.getMessage(), e);
    }
  }

  /** Closes the file; what is staged and not committed is written but not forced. */
  @Override
  public void close() {
    try {
      output.drain();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close " + path + ": " + e.getMessage(), e);
    }
  }

  private final class ChannelOutput extends OutputStream {
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    private long written = committedLength;

    @Override
    public void write(int b) throws IOException {
      if (!buffer.hasRemaining()) {
        drain();
      }
      buffer.put((byte) b);
      written++;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      if (length > buffer.remaining()) {
        drain();
        if (length > buffer.capacity()) {
          writeFully(ByteBuffer.wrap(bytes, offset, length));
          written += length;
          return;
        }
      }
      buffer.put(bytes, offset, length);
      written += length;
    }

    void drain() throws IOException {
      buffer.flip();
      writeFully(buffer);
      buffer.clear();
    }

    void discard() {
      buffer.clear();
    }

    private void writeFully(ByteBuffer source) throws IOException {
      while (source.hasRemaining()) {
        channel.write(source);
      }
    }
  }
}
