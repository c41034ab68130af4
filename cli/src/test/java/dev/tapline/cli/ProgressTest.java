package dev.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Progress of running pipelines: log lines when not on a terminal, a live block on one. */
class ProgressTest {

  @TempDir Path folder;

  @Test
  void aRunningPipelineGetsProgressLinesWithItsRecordsPerStream() throws IOException {
    Scripts.write(folder, "target-echo", Scripts.echoingTarget(folder.resolve("received")));
    Scripts.write(folder, "tap-slow", Scripts.print(Scripts.SCHEMA, Scripts.record(1))
        + "echo 'INFO METRIC: {\"type\":\"counter\",\"metric\":\"record_count\",\"value\":1,\"tags\":{\"stream\":\"orders\"}}' >&2\n"
        + "sleep 1.5\n" + Scripts.print(Scripts.state(1)));
    Path project = Files.writeString(folder.resolve("tapline.yml"), """
        taps: {slow: {executable: ./tap-slow}}
        targets: {echo: {executable: ./target-echo}}
        pipelines: {slow: {tap: slow, target: echo}}
        """, StandardCharsets.UTF_8);

    Cli.Result result = new Cli().execute("run", "slow", "--progress-interval", "0.3", "--project", project.toString());

    assertEquals(0, result.exitCode(), result::toString);
    List<String> progress = result.err().lines().filter(line -> line.startsWith("INFO  [slow] running for ")).toList();
    assertTrue(progress.size() >= 2, result::toString);
    assertTrue(progress.get(progress.size() - 1).contains(": records orders 1 ("), result::toString);
  }

  @Test
  void theLiveBlockIsRedrawnBelowEveryOtherLine() {
    StringWriter terminal = new StringWriter();
    LiveStatus live = new LiveStatus(new PrintWriter(terminal));
    PrintWriter err = live.writer();

    live.update(List.of("[a] running for 1 s", "[b] running for 1 s"));
    err.println("INFO  [a] Run finished");
    live.update(List.of("[b] running for 2 s"));
    live.update(List.of());

    assertEquals("[a] running for 1 s\n[b] running for 1 s"
        + "\r\u001b[1A\u001b[J" + "INFO  [a] Run finished\n" + "[a] running for 1 s\n[b] running for 1 s"
        + "\r\u001b[1A\u001b[J" + "[b] running for 2 s"
        + "\r\u001b[J", terminal.toString());
  }
}
