package dev.tapline.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Sends a run's summary to the notifications of its pipeline: a JSON POST to a webhook, or a
 * command that gets the JSON on stdin (and {@code TAPLINE_PIPELINE}, {@code TAPLINE_STATUS} in its
 * environment). Each is tried {@code retries} more times with a doubling delay; a notification
 * that still fails is reported as a warning and never changes the run's outcome.
 */
final class Notifier {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final PrintWriter err;
  private final Duration firstDelay;

  Notifier(PrintWriter err, Duration firstDelay) {
    this.err = err;
    this.firstDelay = firstDelay;
  }

  /**
   * @param notifications resolved ({@code ${VARIABLE}} already replaced)
   * @param summary already redacted
   */
  void send(String pipeline, List<Project.Notification> notifications, ObjectNode summary, boolean success,
      Redactor redactor) {
    String outcome = success ? "success" : "failure";
    String body = Json.write(summary);
    for (Project.Notification notification : notifications) {
      if (!notification.on().contains(outcome)) {
        continue;
      }
      String where = redactor.redact(notification.webhook() != null ? "webhook " + redactedUrl(notification.webhook())
          : "command " + java.nio.file.Path.of(notification.command().get(0)).getFileName());
      String problem = null;
      for (int attempt = 0; attempt <= notification.retries(); attempt++) {
        if (attempt > 0) {
          sleep(firstDelay.multipliedBy(1L << Math.min(attempt - 1, 10)));
        }
        problem = notification.webhook() != null
            ? post(notification.webhook(), notification.headers(), body)
            : command(notification.command(), pipeline, summary.path("status").asText(), body);
        if (problem == null) {
          err.println("INFO  [" + pipeline + "] Notified " + where + " of the " + outcome + ".");
          break;
        }
      }
      if (problem != null) {
        err.println("WARN  [" + pipeline + "] The notification to " + where + " failed after "
            + (notification.retries() + 1) + " attempts: " + redactor.redact(problem) + ". The run's outcome stands.");
      }
    }
    err.flush();
  }

  /** The URL without its query and user info, which may carry tokens. */
  static String redactedUrl(String url) {
    try {
      URI uri = URI.create(url);
      return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
          + (uri.getPath() == null ? "" : uri.getPath());
    } catch (IllegalArgumentException e) {
      return "(malformed URL)";
    }
  }

  private static String post(String url, Map<String, String> headers, String body) {
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
          .timeout(TIMEOUT)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
      headers.forEach(request::header);
      HttpResponse<Void> response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
      return response.statusCode() / 100 == 2 ? null : "HTTP status " + response.statusCode();
    } catch (IOException | IllegalArgumentException e) {
      return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private String command(List<String> command, String pipeline, String status, String body) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("TAPLINE_PIPELINE", pipeline);
    builder.environment().put("TAPLINE_STATUS", status);
    try {
      Process process = builder.start();
      try (OutputStream in = process.getOutputStream()) {
        in.write(body.getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // the command need not read its input
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return "no exit within " + TIMEOUT.toSeconds() + " s";
      }
      int code = process.exitValue();
      return code == 0 ? null : "exit code " + code + (output.isEmpty() ? "" : ": " + last(output));
    } catch (IOException e) {
      return e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private static String last(String output) {
    List<String> lines = output.lines().toList();
    return lines.get(lines.size() - 1);
  }

  private void sleep(Duration delay) {
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
