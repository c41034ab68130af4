package dev.tapline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Where pipelines of a project keep their state, their locks and their run history: a folder
 * ({@link FileStateBackend}) or a PostgreSQL database shared by several machines ({@link
 * PostgresStateBackend}).
 *
 * <p>Implementations are safe to use from several threads at once (one per running pipeline); a
 * pipeline's state is only written by the holder of its lock.
 */
interface StateBackend extends AutoCloseable {

  /** A held lock of one pipeline; closing releases it. Also released when the process dies. */
  interface Lock extends AutoCloseable {
    @Override
    void close();
  }

  /** The backend in a few words, for messages: the folder, or the database without password. */
  String describe();

  /**
   * Takes the lock that keeps a pipeline from running twice at once, on this machine or another.
   *
   * @throws PipelineBusyException when someone else holds it; it says who and since when
   */
  Lock lock(String pipeline);

  /** The pipeline's saved state, if any. */
  Optional<JsonNode> readState(String pipeline);

  /** Where a run of the pipeline saves the states its target echoes. */
  StateSink sink(String pipeline);

  /** Replaces the pipeline's state; the caller holds the lock. */
  default void writeState(String pipeline, JsonNode state) throws IOException {
    sink(pipeline).write(state);
  }

  /** Removes the pipeline's state: its next run is a full sync. The caller holds the lock. */
  void clearState(String pipeline) throws IOException;

  /**
   * Adds a run to the history, or replaces the entry with the same {@code run_id} (a run is saved
   * when it starts, with status {@code running}, and again when it ends).
   */
  void saveRun(ObjectNode run);

  /**
   * Marks the pipeline's runs still saved as {@code running} as {@code interrupted}: called by the
   * holder of the lock before it starts, when no run of the pipeline can be going on.
   */
  void markInterrupted(String pipeline);

  /** The latest runs, newest first, of one pipeline or (with {@code null}) of all. */
  List<ObjectNode> runs(String pipeline, int limit);

  @Override
  void close();
}
