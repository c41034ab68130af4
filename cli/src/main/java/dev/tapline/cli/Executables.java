package dev.tapline.cli;

import dev.tapline.spec.ConfigurationException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;

/** Finds the executable of a tap or target: a path, or a name looked up on {@code PATH}. */
final class Executables {

  private Executables() {}

  /**
   * The absolute path of an executable.
   *
   * @param role what the executable is for, used in errors ("tap", "target")
   * @param given a path (it contains a {@code /}) or a name to find on {@code PATH}
   * @throws ConfigurationException when there is no such executable file
   */
  static Path resolve(String role, String given, Map<String, String> environment) {
    if (given.isBlank()) {
      throw new ConfigurationException("The " + role + " executable name is empty.");
    }
    if (given.indexOf('/') >= 0 || given.indexOf(File.separatorChar) >= 0) {
      Path path;
      try {
        path = Path.of(given).toAbsolutePath().normalize();
      } catch (InvalidPathException e) {
        throw new ConfigurationException("The " + role + " executable " + given + " is not a valid path.");
      }
      if (!Files.isRegularFile(path)) {
        throw new ConfigurationException(
            "The " + role + " executable " + given + " does not exist. Check the path.");
      }
      if (!Files.isExecutable(path)) {
        throw new ConfigurationException(
            "The " + role + " executable " + given + " is not executable. Run: chmod +x " + given);
      }
      return path;
    }
    String searchPath = environment.getOrDefault("PATH", "");
    for (String folder : searchPath.split(File.pathSeparator)) {
      if (folder.isEmpty()) {
        continue;
      }
      try {
        Path candidate = Path.of(folder, given);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return candidate.toAbsolutePath();
        }
      } catch (InvalidPathException ignored) {
        // a PATH entry that is not a path cannot hold the executable
      }
    }
    throw new ConfigurationException(
        "The " + role + " executable " + given + " was not found on PATH. Install it, add its folder"
            + " to PATH, or give its path (e.g. ./bin/" + given + ").");
  }

  /** The name shown in prefixes and messages: the file name of the executable. */
  static String displayName(Path executable) {
    return executable.getFileName().toString();
  }
}
