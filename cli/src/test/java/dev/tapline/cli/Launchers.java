package dev.tapline.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * Starts the project's executables as their own JVMs from this module's test class path, with the
 * project's own jars copied aside first: a build of a connector running at the same time may
 * replace its jar in the local repository in the middle of a test.
 */
final class Launchers {

  private Launchers() {}

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** This JVM's class path with the project's jars replaced by copies in {@code folder/lib}. */
  static String classPath(Path folder) throws IOException {
    Path lib = Files.createDirectories(folder.resolve("lib"));
    StringJoiner path = new StringJoiner(File.pathSeparator);
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path jar = Path.of(entry);
      boolean ours = entry.endsWith(".jar")
          && entry.contains(File.separator + "dev" + File.separator + "tapline" + File.separator);
      if (ours) {
        Path copy = lib.resolve(jar.getFileName());
        if (!Files.exists(copy)) {
          Files.copy(jar, copy);
        }
        path.add(copy.toString());
      } else {
        path.add(entry);
      }
    }
    return path.toString();
  }

  /** An executable script {@code folder/name} that runs {@code mainClass} with its arguments. */
  static Path script(Path folder, String name, String mainClass) throws IOException {
    return Scripts.write(folder, name, "exec '" + java() + "' -XX:+UseSerialGC -cp '" + classPath(folder) + "' "
        + mainClass + " \"$@\"");
  }

  static Path tapCsv(Path folder) throws IOException {
    return script(folder, "tap-csv", "dev.tapline.tap.csv.CsvTap");
  }

  static Path targetJsonl(Path folder) throws IOException {
    return script(folder, "target-jsonl", "dev.tapline.target.jsonl.JsonlTarget");
  }

  /** {@code tapline} itself, as a launcher script (used as a mapper's executable: {@code tapline map}). */
  static Path tapline(Path folder) throws IOException {
    return script(folder, "tapline", Tapline.class.getName());
  }

  /** Starts {@code tapline ARGS} as its own process in {@code workingFolder}. */
  static Process startTapline(Path folder, Path workingFolder, Path stderr, String... arguments) throws IOException {
    List<String> command = new ArrayList<>(List.of(java(), "-XX:+UseSerialGC", "-cp", classPath(folder),
        Tapline.class.getName()));
    command.addAll(List.of(arguments));
    return new ProcessBuilder(command)
        .directory(workingFolder.toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(stderr.toFile())
        .start();
  }
}
