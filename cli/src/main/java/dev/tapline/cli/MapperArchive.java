package dev.tapline.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The class-data-sharing archive of the {@code tapline map} processes the runner starts. The
 * launcher's archive of {@code tapline} holds the classes {@code tapline --version} loads; a mapper
 * also loads Jackson's databind, JEXL and the mapper itself, about 600 classes that would otherwise
 * be read from the jars and verified at every start (about 0.2 s of CPU per mapper on this
 * project's machines). So the first mapper a runner starts writes an archive of its own when it
 * exits ({@code -XX:ArchiveClassesAtExit}); once it has exited with 0, the runner moves the file
 * into place next to the launcher's archive ({@code <launcher archive>-map.jsa}) and later mappers
 * start from it. Like the launcher, a jar newer than the archive has it made again, and a failed
 * attempt is remembered (a {@code .failed} file) until the jars change.
 *
 * <p>JVM warnings about classes the archive cannot hold are switched off for these processes: they
 * would otherwise reach the pipeline's log.
 */
final class MapperArchive {

  private static final String SUFFIX = "-map.jsa";
  private static final AtomicLong DUMPS = new AtomicLong();

  /**
   * The JVM options for one mapper process and, when it writes the archive, what to do once it
   * has exited.
   *
   * @param dump where the process writes the archive, or {@code null}
   * @param archive where the archive belongs, or {@code null} when there is none to make
   */
  record Use(List<String> options, Path dump, Path archive) {

    /** Moves a dump written by a process that exited with 0 into place; otherwise drops it. */
    void finish(int exitCode) {
      if (dump == null) {
        return;
      }
      try {
        if (exitCode == 0 && Files.size(dump) > 0) {
          Files.move(dump, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          return;
        }
        if (exitCode == 0) {
          Files.writeString(failedMarker(archive), "");
        }
      } catch (IOException e) {
        // no archive this time: the mapper ran all the same
        try {
          Files.writeString(failedMarker(archive), "");
        } catch (IOException ignored) {
          // the folder is not writable: every run tries again, which costs a dump
        }
      } finally {
        try {
          Files.deleteIfExists(dump);
        } catch (IOException ignored) {
          // a leftover temporary file in the archive folder does no harm
        }
      }
    }
  }

  private MapperArchive() {}

  /**
   * The options for a mapper started by a runner whose JVM uses {@code runnerArchive} (its
   * {@code -XX:SharedArchiveFile}) on {@code classPath}.
   */
  static Use forRunner(Path runnerArchive, String classPath) {
    String name = runnerArchive.getFileName().toString();
    String base = name.endsWith(".jsa") ? name.substring(0, name.length() - 4) : name;
    Path archive = runnerArchive.resolveSibling(base + SUFFIX);
    List<String> quiet = List.of("-Xlog:cds*=off:stderr");
    List<String> runnerOptions = List.of("-XX:SharedArchiveFile=" + runnerArchive);
    long newestJar = newestJar(classPath);
    if (newestJar < 0) {
      return new Use(runnerOptions, null, null);
    }
    if (isUpToDate(archive, newestJar) && size(archive) > 0) {
      return new Use(concat("-XX:SharedArchiveFile=" + archive, quiet), null, null);
    }
    Path folder = archive.getParent();
    if (folder == null || !Files.isWritable(folder) || isUpToDate(failedMarker(archive), newestJar)) {
      return new Use(runnerOptions, null, null);
    }
    Path dump = folder.resolve(base + SUFFIX + "." + ProcessHandle.current().pid() + "-" + DUMPS.incrementAndGet() + ".tmp");
    return new Use(concat("-XX:ArchiveClassesAtExit=" + dump, quiet), dump, archive);
  }

  private static List<String> concat(String first, List<String> rest) {
    List<String> options = new java.util.ArrayList<>();
    options.add(first);
    options.addAll(rest);
    return List.copyOf(options);
  }

  private static Path failedMarker(Path archive) {
    return archive.resolveSibling(archive.getFileName() + ".failed");
  }

  /** Whether {@code file} exists and is not older than the newest jar. */
  private static boolean isUpToDate(Path file, long newestJar) {
    try {
      return Files.isRegularFile(file) && Files.getLastModifiedTime(file).toMillis() >= newestJar;
    } catch (IOException e) {
      return false;
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * The time the newest jar of the class path was modified, or -1 when the class path has a
   * folder (a development build): the JVM archives classes from jars only.
   */
  private static long newestJar(String classPath) {
    long newest = 0;
    for (String entry : classPath.split(File.pathSeparator)) {
      File file = new File(entry);
      if (entry.isEmpty() || file.isDirectory()) {
        return -1;
      }
      newest = Math.max(newest, file.lastModified());
    }
    return newest;
  }
}
