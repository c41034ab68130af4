package dev.tapline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import dev.tapline.spec.TaplineException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The default state backend: a folder with one sub-folder per pipeline holding {@code state.json}
 * (written atomically by {@link StateFile}), the lock file {@code .state.json.lock} (an OS lock,
 * gone with the process that held it, plus who holds it since when as its text) and {@code
 * runs.jsonl}, the run history (one line per saved run; the last line of a run id wins).
 *
 * <p>Good for one machine. Several machines sharing it over a network file system depend on that
 * file system's locks: use the postgres backend instead.
 */
final class FileStateBackend implements StateBackend {

  private static final String STATE = "state.json";
  private static final String HISTORY = "runs.jsonl";

  private final Path folder;

  FileStateBackend(Path folder) {
    this.folder = folder.toAbsolutePath().normalize();
  }

  @Override
  public String describe() {
    return "folder " + folder;
  }

  private Path pipelineFolder(String pipeline) {
    return folder.resolve(pipeline);
  }

  private StateFile stateFile(String pipeline) {
    return new StateFile(pipelineFolder(pipeline).resolve(STATE));
  }

  @Override
  public Lock lock(String pipeline) {
    Path lockPath = pipelineFolder(pipeline).resolve("." + STATE + ".lock");
    FileChannel channel;
    try {
      Files.createDirectories(lockPath.getParent());
      channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new ConfigurationException("Cannot create the lock file " + lockPath + ": " + e.getMessage(), e);
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
      String holder = currentHolder(lockPath);
      throw new PipelineBusyException("The pipeline " + pipeline + " is already running"
          + (holder.isEmpty() ? "" : " (" + holder + ")") + "; its lock is " + lockPath
          + ". This run was skipped: two runs of one pipeline would load the same data twice and"
          + " overwrite each other's state.");
    }
    try {
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((Holder.current() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
      channel.force(false);
    } catch (IOException e) {
      // who holds the lock is a courtesy for the next run's message; the lock itself is held
    }
    return () -> closeQuietly(channel);
  }

  /**
   * Who holds the lock, as its holder wrote it into the lock file: in the moment after a holder
   * took the lock the file is still empty or names the previous holder (a process that has ended),
   * so that is waited out for up to two seconds. Empty when it cannot be told.
   */
  private static String currentHolder(Path lockPath) {
    for (int attempt = 0; attempt < 20; attempt++) {
      String holder;
      try {
        holder = Files.readString(lockPath, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        holder = "";
      }
      if (!holder.isEmpty() && isLive(holder)) {
        return holder;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return "";
  }

  /** False when the holder is a process of this host that no longer runs. */
  private static boolean isLive(String holder) {
    java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("held by (\\S+) pid (\\d+) ").matcher(holder);
    if (!matcher.find() || !matcher.group(1).equals(Holder.host())) {
      return true;
    }
    return ProcessHandle.of(Long.parseLong(matcher.group(2))).map(ProcessHandle::isAlive).orElse(false);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // releasing a lock cannot fail in a way the caller could handle
    }
  }

  @Override
  public Optional<JsonNode> readState(String pipeline) {
    return stateFile(pipeline).read();
  }

  @Override
  public StateSink sink(String pipeline) {
    return stateFile(pipeline);
  }

  @Override
  public void clearState(String pipeline) throws IOException {
    Files.deleteIfExists(stateFile(pipeline).path());
  }

  @Override
  public synchronized void saveRun(ObjectNode run) {
    Path history = pipelineFolder(run.path("pipeline").asText()).resolve(HISTORY);
    byte[] line = (Json.write(run) + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      Files.createDirectories(history.getParent());
      // one write in append mode: lines of two processes never mix
      try (FileChannel channel = FileChannel.open(history,
          StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the run history " + history + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void markInterrupted(String pipeline) {
    for (ObjectNode run : runsOf(pipeline)) {
      if ("running".equals(run.path("status").asText())) {
        run.put("status", "interrupted");
        run.put("error", "The run ended without saving its outcome (the runner was killed or the machine"
            + " stopped); the state holds what its target had committed.");
        saveRun(run);
      }
    }
  }

  private List<ObjectNode> runsOf(String pipeline) {
    Path history = pipelineFolder(pipeline).resolve(HISTORY);
    if (!Files.isRegularFile(history)) {
      return List.of();
    }
    Map<String, ObjectNode> byId = new LinkedHashMap<>();
    try (Stream<String> lines = Files.lines(history, StandardCharsets.UTF_8)) {
      lines.forEach(line -> {
        if (line.isBlank()) {
          return;
        }
        try {
          JsonNode node = Json.mapper().readTree(line);
          if (node instanceof ObjectNode run) {
            byId.put(run.path("run_id").asText(), run);
          }
        } catch (IOException e) {
          // a line torn by a crash in the middle of its write: the run's other lines still count
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the run history " + history + ": " + e.getMessage(), e);
    }
    return new ArrayList<>(byId.values());
  }

  @Override
  public List<ObjectNode> runs(String pipeline, int limit) {
    List<ObjectNode> runs = new ArrayList<>();
    if (pipeline != null) {
      runs.addAll(runsOf(pipeline));
    } else if (Files.isDirectory(folder)) {
      try (Stream<Path> folders = Files.list(folder)) {
        folders.filter(Files::isDirectory).forEach(f -> runs.addAll(runsOf(f.getFileName().toString())));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot list " + folder + ": " + e.getMessage(), e);
      }
    }
    runs.sort(Comparator.comparing((ObjectNode run) -> run.path("started_at").asText()).reversed());
    return runs.subList(0, Math.min(limit, runs.size()));
  }

  @Override
  public void close() {
    // nothing is held between calls
  }
}
