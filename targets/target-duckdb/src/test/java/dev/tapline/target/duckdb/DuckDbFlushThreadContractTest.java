package dev.tapline.target.duckdb;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The SQL target contract again with the flushing thread on (see {@link
 * AppenderStagingWriter#flushThread()}), as machines with 4 or more processors load, and a
 * hand-over every 100 rows so that small batches take turns too. CI's machines have 2 processors,
 * where {@link DuckDbTargetContractTest} runs without it.
 */
class DuckDbFlushThreadContractTest extends DuckDbTargetContractTest {

  private static final List<String> OPTIONS = List.of(
      "-D" + AppenderStagingWriter.FLUSH_THREAD + "=true", "-D" + AppenderStagingWriter.FLUSH_ROWS + "=100");

  @BeforeAll
  static void flushOnAThreadOfItsOwn() {
    System.setProperty(AppenderStagingWriter.FLUSH_THREAD, "true");
    System.setProperty(AppenderStagingWriter.FLUSH_ROWS, "100");
  }

  @AfterAll
  static void flushAsTheMachineSays() {
    System.clearProperty(AppenderStagingWriter.FLUSH_THREAD);
    System.clearProperty(AppenderStagingWriter.FLUSH_ROWS);
  }

  @Override
  protected List<String> subprocessOptions() {
    return OPTIONS;
  }
}
