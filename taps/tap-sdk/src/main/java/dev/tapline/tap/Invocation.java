package dev.tapline.tap;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.Objects;

/**
 * The process surroundings a tap runs in: its standard streams and environment variables. {@link
 * #system()} is the real process; tests pass their own buffers and a made-up environment.
 *
 * @param stdin standard input (unused by most taps), never null
 * @param stdout where Singer messages go, never null; the tap does not close it
 * @param stderr where logs, metrics and errors go, never null
 * @param environment the environment variables (for {@code --config ENV} and the log level)
 */
public record Invocation(
    InputStream stdin, OutputStream stdout, PrintStream stderr, Map<String, String> environment) {

  public Invocation {
    Objects.requireNonNull(stdin, "stdin");
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
    environment = environment == null ? Map.of() : Map.copyOf(environment);
  }

  /** The real process: unbuffered stdout (the tap buffers itself), stderr, the environment. */
  public static Invocation system() {
    return new Invocation(
        System.in, new FileOutputStream(FileDescriptor.out), System.err, System.getenv());
  }
}
