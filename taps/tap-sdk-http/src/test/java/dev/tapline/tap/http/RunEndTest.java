package dev.tapline.tap.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapline.spec.Json;
import dev.tapline.tap.contract.TapRun;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a run ends, the SDK closes the HTTP streams and so their client: no connection is left open
 * (OkHttp would otherwise keep idle ones for minutes) and no thread of the run is left running.
 * The server is a plain socket server of the test's own, so it can see the client hang up.
 */
class RunEndTest {

  @TempDir Path directory;
  private final ServerSocket server = open();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger hungUp = new AtomicInteger();
  private final Thread acceptor = new Thread(this::serve, "test-http-server");

  private static ServerSocket open() {
    try {
      return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void stop() throws IOException, InterruptedException {
    server.close();
    acceptor.join(5_000);
  }

  private void serve() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        accepted.incrementAndGet();
        Thread connection = new Thread(() -> answer(socket), "test-http-connection");
        connection.setDaemon(true);
        connection.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  /** Answers requests on one kept-alive connection until the client hangs up. */
  private void answer(Socket socket) {
    try (socket) {
      BufferedReader in = new BufferedReader(
          new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = socket.getOutputStream();
      String requestLine;
      while ((requestLine = in.readLine()) != null) {
        String line;
        while ((line = in.readLine()) != null && !line.isEmpty()) {
          // headers are not needed
        }
        String path = requestLine.split(" ")[1];
        String body = path.equals("/repositories") ? "[{\"name\":\"alpha\"},{\"name\":\"beta\"}]"
            : path.contains("page=1") ? "[{\"id\":\"i1\",\"updated_at\":\"2026-01-01T00:00:00Z\"}]"
            : "[]";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
            + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
      }
      hungUp.incrementAndGet();
    } catch (IOException e) {
      hungUp.incrementAndGet();
    }
  }

  private static Set<Thread> liveThreads() {
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    threads.addAll(Thread.getAllStackTraces().keySet());
    return threads;
  }

  @Test
  void theClientIsClosedAndNoThreadOfTheRunIsLeftRunning() throws Exception {
    acceptor.setDaemon(true);
    acceptor.start();
    Set<Thread> before = liveThreads();
    Path config = Files.writeString(directory.resolve("config.json"), Json.write(
        Json.object().put("api_url", "http://127.0.0.1:" + server.getLocalPort())));
    TapRun run = TapRun.run(new RepositoriesTap(), "--config", config.toString());
    assertEquals(0, run.exitCode(), run.describe());
    assertEquals(List.of("i1", "i1"),
        run.records("issues").stream().map(issue -> issue.path("id").asText()).toList());
    assertTrue(accepted.get() > 0, "no connection was made");

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (hungUp.get() < accepted.get() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(accepted.get(), hungUp.get(), "connections left open after the run");
    for (Thread thread : liveThreads()) {
      if (before.contains(thread) || thread.getName().startsWith("test-http")) {
        continue;
      }
      // OkHttp's task runner and Okio's watchdog are shared by the whole JVM, daemons that end
      // after a minute idle; everything else the run started must be gone
      boolean shared = thread.getName().startsWith("OkHttp TaskRunner")
          || thread.getName().startsWith("Okio Watchdog")
          || thread.getName().startsWith("http-read-ahead");
      assertTrue(shared && thread.isDaemon(), "a thread of the run is still there: " + thread);
    }
  }
}
