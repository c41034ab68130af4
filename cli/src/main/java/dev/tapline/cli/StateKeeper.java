package dev.tapline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.State;
import dev.tapline.spec.StateMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads what a target writes on stdout (the states it has committed) and writes each one to the
 * state file. A line is a STATE message, or a bare state object as Python targets echo it. A burst of states already waiting in the pipe is written once, as its last state;
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
  private final StateSink stateFile;
  private final JsonNode mergeBase;
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
      StateSink stateFile,
      JsonNode initialState,
      String targetName,
      Consumer<String> warnings) {
    this(targetOutput, stateFile, initialState, false, targetName, warnings);
  }

  /**
   * @param mergeWithInitial whether each state is merged into {@code initialState} bookmark by
   *     bookmark before it is written (streams it does not name keep their bookmarks), as when a run
   *     syncs only some of the streams
   */
  StateKeeper(
      InputStream targetOutput,
      StateSink stateFile,
      JsonNode initialState,
      boolean mergeWithInitial,
      String targetName,
      Consumer<String> warnings) {
    this.targetOutput = targetOutput;
    this.stateFile = stateFile;
    this.mergeBase = mergeWithInitial && initialState != null && initialState.isObject() ? initialState : null;
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
        warnings.accept(targetName + " wrote " + otherLines + " lines on stdout that were not states;"
            + " they were ignored.");
      }
    }
  }

  private void accept(String line, long lineNumber) {
    JsonNode state = stateIn(line);
    if (state != null) {
      statesReceived++;
      pending = mergeBase != null && state.isObject() ? State.merge(mergeBase, state) : state;
      return;
    }
    otherLines++;
    if (otherLines <= WARNINGS_SHOWN) {
      warnings.accept("Ignored line " + lineNumber + " of " + targetName + "'s stdout: a target"
          + " writes only states there. The line starts: " + abbreviate(line));
    }
  }

  /**
   * The state a target's output line carries, or {@code null}: a STATE message (what Tapline's
   * targets write), or a bare JSON object without a {@code type}, which is how singer-python and
   * Meltano SDK targets echo a state.
   */
  static JsonNode stateIn(String line) {
    JsonNode node;
    try {
      node = Json.mapper().readTree(line);
    } catch (IOException e) {
      return null;
    }
    if (node == null || !node.isObject()) {
      return null;
    }
    JsonNode type = node.get("type");
    if (type == null) {
      return node;
    }
    JsonNode value = node.get("value");
    return type.isTextual() && "STATE".equalsIgnoreCase(type.textValue()) && value != null ? value : null;
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
        warnings.accept("Cannot write the state to " + stateFile.describe() + ": " + e.getMessage());
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
