package dev.tapline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapline.spec.Message;
import dev.tapline.spec.MessageReader;
import dev.tapline.spec.ProtocolException;
import dev.tapline.spec.StateMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads what a target writes on stdout (the states it has committed) and writes each one to the
 * state file. A burst of states already waiting in the pipe is written once, as its last state;
 * a state is never held back for longer than {@link #MAXIMUM_DELAY_NANOS}.
 *
 * <p>The rule of the state file: it is only replaced by a newer state the target echoed, and an
 * empty state ({@code {}}, {@code null}) never replaces a non-empty one.
 *
 * <p>Runs on its own thread; the getters are safe to call after that thread ended.
 */
final class StateKeeper implements Runnable {

  private static final long MAXIMUM_DELAY_NANOS = 1_000_000_000L;
  private static final int WARNINGS_SHOWN = 5;

  private final InputStream targetOutput;
  private final StateFile stateFile;
  private final String targetName;
  private final Consumer<String> warnings;

  private volatile JsonNode lastWritten;
  private volatile long statesReceived;
  private volatile long statesWritten;
  private volatile IOException failure;
  private long otherLines;
  private JsonNode pending;

  /**
   * @param initialState the state in the file before the run, or {@code null}
   * @param warnings receives one-line warnings (lines that are not states, write failures)
   */
  StateKeeper(
      InputStream targetOutput,
      StateFile stateFile,
      JsonNode initialState,
      String targetName,
      Consumer<String> warnings) {
    this.targetOutput = targetOutput;
    this.stateFile = stateFile;
    this.lastWritten = initialState;
    this.targetName = targetName;
    this.warnings = warnings;
  }

  @Override
  public void run() {
    long lineNumber = 0;
    long lastWriteNanos = System.nanoTime();
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(targetOutput, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        accept(line, lineNumber);
        if (pending != null
            && (!reader.ready() || System.nanoTime() - lastWriteNanos > MAXIMUM_DELAY_NANOS)) {
          writePending();
          lastWriteNanos = System.nanoTime();
        }
      }
    } catch (IOException e) {
      warnings.accept("Stopped reading the output of " + targetName + ": " + e.getMessage());
    } finally {
      writePending();
      if (otherLines > WARNINGS_SHOWN) {
        warnings.accept(targetName + " wrote " + otherLines + " lines on stdout that were not STATE"
            + " messages; they were ignored.");
      }
    }
  }

  private void accept(String line, long lineNumber) {
    Message message;
    try {
      message = MessageReader.parse(line, lineNumber, warning -> {});
    } catch (ProtocolException e) {
      message = null;
    }
    if (message instanceof StateMessage state) {
      statesReceived++;
      pending = state.value();
      return;
    }
    otherLines++;
    if (otherLines <= WARNINGS_SHOWN) {
      warnings.accept("Ignored line " + lineNumber + " of " + targetName + "'s stdout: a target"
          + " writes only STATE messages there. The line starts: " + abbreviate(line));
    }
  }

  private void writePending() {
    JsonNode state = pending;
    pending = null;
    if (state == null || state.equals(lastWritten)) {
      return;
    }
    if (isEmpty(state) && lastWritten != null && !isEmpty(lastWritten)) {
      return;
    }
    try {
      stateFile.write(state);
      lastWritten = state;
      statesWritten++;
      failure = null;
    } catch (IOException e) {
      if (failure == null) {
        warnings.accept("Cannot write the state file " + stateFile.path() + ": " + e.getMessage());
      }
      failure = e;
    }
  }

  private static boolean isEmpty(JsonNode state) {
    return new StateMessage(state).isEmpty();
  }

  private static String abbreviate(String line) {
    return line.length() > 120 ? line.substring(0, 120) + "..." : line;
  }

  /** The state now in the file (written in this run or found before it), or {@code null}. */
  JsonNode lastWritten() {
    return lastWritten;
  }

  long statesReceived() {
    return statesReceived;
  }

  long statesWritten() {
    return statesWritten;
  }

  /** Why the last write of the state file failed, or {@code null} when it did not fail. */
  IOException failure() {
    return failure;
  }
}
