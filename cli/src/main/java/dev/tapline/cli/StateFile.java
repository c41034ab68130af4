package dev.tapline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import dev.tapline.spec.TaplineException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The file that carries a pipeline's state from one run to the next. It is only ever replaced as a
 * whole: the new content goes to a temporary file in the same folder, which is synced to disk and
 * renamed over the old file, and then the folder is synced. A reader (or a crash) sees the old
 * state or the new one, never a mix.
 */
final class StateFile implements StateSink {

  /** A held lock of a state file; closing releases it. */
  interface Lock extends AutoCloseable {
    @Override
    void close();
  }

  private final Path path;

  StateFile(Path path) {
    this.path = path.toAbsolutePath().normalize();
  }

  Path path() {
    return path;
  }

  /**
   * Takes the lock that keeps two runs from sharing this state file: an OS lock on {@code
   * .<name>.lock} next to it, released when the returned handle is closed or the process ends.
   *
   * @throws TaplineException when another run holds it
   */
  Lock lock() {
    Path lockPath = path.resolveSibling("." + path.getFileName() + ".lock");
    FileChannel channel;
    try {
      Files.createDirectories(path.getParent());
      channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new ConfigurationException("Cannot create the lock file " + lockPath + " of the state file: "
          + e.getMessage(), e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new TaplineException("Cannot lock " + lockPath + ": " + e.getMessage(), e);
    }
    if (lock == null) {
      closeQuietly(channel);
      throw new TaplineException("Another run is using the state file " + path + " (it holds "
          + lockPath + "). Two runs on one state file would overwrite each other's bookmarks;"
          + " wait for the other run to end.");
    }
    return () -> closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing was locked
    }
  }

  /** True when the file exists and holds more than white space: worth passing to a tap. */
  boolean hasContent() {
    try {
      return Files.isRegularFile(path) && !Files.readString(path, StandardCharsets.UTF_8).isBlank();
    } catch (IOException e) {
      throw new ConfigurationException("Cannot read the state file " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * The state in the file, if it has content.
   *
   * @throws ConfigurationException when the file is not valid JSON
   */
  Optional<JsonNode> read() {
    if (!hasContent()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.read(path));
    } catch (ConfigurationException e) {
      throw new ConfigurationException(
          "The state file " + e.getMessage()
              + " Tapline writes state files atomically, so something else changed it; restore a"
              + " backup or delete the file for a full sync.",
          e);
    }
  }

  @Override
  public String describe() {
    return path.toString();
  }

  /** Replaces the file's content with {@code state}, atomically and durably. */
  @Override
  public void write(JsonNode state) throws IOException {
    Path folder = path.getParent();
    Files.createDirectories(folder);
    byte[] bytes = (Json.writePretty(state) + "\n").getBytes(StandardCharsets.UTF_8);
    Path temporary = Files.createTempFile(folder, "." + path.getFileName() + ".", ".tmp");
    try {
      keepPermissions(temporary);
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      try {
        Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("The file system of " + folder + " cannot rename atomically", e);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
    syncFolder(folder);
  }

  /** A new file is private to its owner (a state may hold cursors); a replaced one keeps its mode. */
  private void keepPermissions(Path temporary) throws IOException {
    if (Files.exists(path) && Files.getFileStore(temporary).supportsFileAttributeView("posix")) {
      Files.setPosixFilePermissions(temporary, Files.getPosixFilePermissions(path));
    }
  }

  /** Makes the rename itself durable. Not every platform can open a folder; there it is skipped. */
  private static void syncFolder(Path folder) {
    try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Windows cannot open a directory as a channel; the rename is still atomic there
    }
  }
}
