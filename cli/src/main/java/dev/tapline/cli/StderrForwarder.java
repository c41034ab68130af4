package dev.tapline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapline.spec.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies a child's stderr to ours line by line, each line prefixed with {@code [name] }. Lines of
 * different children never mix inside a line because each line is printed with one call on the
 * shared writer. Keeps the last lines (for error messages) and adds up the Singer {@code
 * record_count} counters found in {@code METRIC:} lines.
 *
 * <p>Runs on its own thread; the getters are safe to call after that thread ended.
 */
final class StderrForwarder implements Runnable {

  private static final int KEPT_LINES = 5;
  private static final String METRIC_MARK = "METRIC:";

  private final String name;
  private final InputStream stderr;
  private final PrintWriter out;
  private final Deque<String> lastLines = new ArrayDeque<>(KEPT_LINES);
  private final Map<String, Long> recordCounts = new LinkedHashMap<>();
  private final Map<String, Long> byteCounts = new LinkedHashMap<>();
  private final String prefix;
  private final Redactor redactor;

  StderrForwarder(String name, InputStream stderr, PrintWriter out) {
    this(name, "[" + name + "] ", stderr, out, Redactor.NONE);
  }

  /**
   * @param prefix put before each forwarded line
   * @param redactor removes secrets from each line before it is printed or kept
   */
  StderrForwarder(String name, String prefix, InputStream stderr, PrintWriter out, Redactor redactor) {
    this.name = name;
    this.prefix = prefix;
    this.stderr = stderr;
    this.out = out;
    this.redactor = redactor;
  }

  @Override
  public void run() {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        line = redactor.redact(line);
        out.println(prefix + line);
        remember(line);
      }
    } catch (IOException e) {
      out.println(prefix + "(stderr closed: " + e.getMessage() + ")");
    } finally {
      out.flush();
    }
  }

  private synchronized void remember(String line) {
    if (line.isBlank()) {
      return;
    }
    if (lastLines.size() == KEPT_LINES) {
      lastLines.removeFirst();
    }
    lastLines.addLast(line.strip());
    int mark = line.indexOf(METRIC_MARK);
    if (mark >= 0) {
      countRecords(line.substring(mark + METRIC_MARK.length()));
    }
  }

  private void countRecords(String metricJson) {
    JsonNode metric;
    try {
      metric = Json.mapper().readTree(metricJson);
    } catch (IOException | RuntimeException e) {
      return;
    }
    if (metric == null
        || !"counter".equals(metric.path("type").asText())
        || !metric.path("value").isNumber()) {
      return;
    }
    Map<String, Long> counts;
    String metricName = metric.path("metric").asText();
    if ("record_count".equals(metricName)) {
      counts = recordCounts;
    } else if ("byte_count".equals(metricName)) {
      counts = byteCounts;
    } else {
      return;
    }
    JsonNode tags = metric.path("tags");
    // the Meltano SDK tags the stream as "stream", singer-python as "endpoint"
    String stream = tags.path("stream").asText(tags.path("endpoint").asText(""));
    if (stream.isEmpty()) {
      stream = "(all)";
    }
    counts.merge(stream, metric.path("value").longValue(), Long::sum);
  }

  String name() {
    return name;
  }

  /** The last few non-blank lines, oldest first. */
  synchronized List<String> lastLines() {
    return new ArrayList<>(lastLines);
  }

  /** Records per stream from the child's {@code record_count} counters; empty when it sent none. */
  synchronized Map<String, Long> recordCounts() {
    return new LinkedHashMap<>(recordCounts);
  }

  /** Bytes per stream from the child's {@code byte_count} counters ({@code tapline map} sends them). */
  synchronized Map<String, Long> byteCounts() {
    return new LinkedHashMap<>(byteCounts);
  }
}
