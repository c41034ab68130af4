package dev.tapline.spec;

import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * The one logger of Tapline's executables: plain lines on stderr (stdout carries only Singer
 * messages), {@code 2024-01-31T12:00:00.123Z INFO  name: message}. The level comes from the
 * {@code TAPLINE_LOG_LEVEL} environment variable ({@code debug}, {@code info} (default), {@code
 * warn}, {@code error}). Thread-safe.
 */
public final class Log {

  /** Log levels, least severe first. */
  public enum Level {
    DEBUG,
    INFO,
    WARN,
    ERROR
  }

  private static volatile Level threshold = levelFromEnvironment();
  private static volatile PrintStream out = System.err;

  private final String name;

  private Log(String name) {
    this.name = name;
  }

  public static Log named(String name) {
    return new Log(name);
  }

  public static Log of(Class<?> type) {
    return new Log(type.getSimpleName());
  }

  /** Changes the level for the whole process (e.g. from a {@code --log-level} option). */
  public static void setLevel(Level level) {
    threshold = level;
  }

  /** Sends log lines elsewhere (tests). */
  public static void redirect(PrintStream stream) {
    out = stream;
  }

  public boolean isEnabled(Level level) {
    return level.compareTo(threshold) >= 0;
  }

  public void debug(String message) {
    log(Level.DEBUG, message);
  }

  public void info(String message) {
    log(Level.INFO, message);
  }

  public void warn(String message) {
    log(Level.WARN, message);
  }

  public void error(String message) {
    log(Level.ERROR, message);
  }

  /** Writes a Singer metric line: {@code METRIC: {"type": ..., "metric": ..., ...}}. */
  public void metric(String json) {
    log(Level.INFO, "METRIC: " + json);
  }

  public void log(Level level, String message) {
    if (!isEnabled(level)) {
      return;
    }
    String line =
        Instant.now().truncatedTo(ChronoUnit.MILLIS)
            + " " + String.format(Locale.ROOT, "%-5s", level.name())
            + " " + name + ": " + message;
    PrintStream stream = out;
    synchronized (stream) {
      stream.println(line);
    }
  }

  private static Level levelFromEnvironment() {
    String value = System.getenv("TAPLINE_LOG_LEVEL");
    if (value == null || value.isBlank()) {
      return Level.INFO;
    }
    try {
      return Level.valueOf(value.trim().toUpperCase(Locale.ROOT).replace("WARNING", "WARN"));
    } catch (IllegalArgumentException e) {
      return Level.INFO;
    }
  }
}
