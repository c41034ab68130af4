package dev.tapline.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Who runs this process, as written next to a lock: host, process id and since when. */
final class Holder {

  private Holder() {}

  static String current() {
    return "held by " + host() + " pid " + ProcessHandle.current().pid() + " since "
        + Instant.now().truncatedTo(ChronoUnit.SECONDS);
  }

  static String host() {
    String host = System.getenv("HOSTNAME");
    if (host != null && !host.isBlank()) {
      return host;
    }
    try {
      return Files.readString(Path.of("/etc/hostname"), StandardCharsets.UTF_8).strip();
    } catch (IOException | RuntimeException e) {
      return "localhost";
    }
  }
}
