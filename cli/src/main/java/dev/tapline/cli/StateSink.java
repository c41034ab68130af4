package dev.tapline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * Where the states a target echoes during a run are saved: a state file, or a pipeline's state in
 * a {@link StateBackend}. Called from the one thread that reads the target's stdout.
 */
interface StateSink {

  /** Replaces the saved state with {@code state}, atomically: a reader sees the old or the new. */
  void write(JsonNode state) throws IOException;

  /** Where the state goes, for messages: a file path, or a backend and pipeline name. */
  String describe();
}
