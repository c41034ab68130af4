package dev.tapline.examples.stripe;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A local Stripe-like server for trying tap-stripe without an account: {@code stripe-sandbox
 * [PORT [OBJECTS_PER_LIST [LIST,...]]]} (lists such as {@code charges,customers}; all by
 * default) serves clones of Stripe's example objects on 127.0.0.1, prints its URL on stdout and
 * serves until killed. Any API key is accepted. Point tap-stripe's {@code api_url} at the printed
 * URL. Lists named on the command line have their pages of 100 rendered and compressed before the
 * URL is printed (for benchmarks); {@code STRIPE_SANDBOX_GZIP=off} answers uncompressed even when
 * the client accepts gzip.
 */
public final class StripeSandbox implements AutoCloseable {

  private final WireMockServer server;
  private final FakeStripe api;

  /** Starts a server on 127.0.0.1 ({@code port} 0 picks a free one) over {@code api}. */
  public StripeSandbox(int port, FakeStripe api) {
    this.api = api;
    this.server = new WireMockServer(options()
        .bindAddress("127.0.0.1")
        .port(port)
        .containerThreads(16)
        .disableRequestJournal()
        // FakeStripe compresses each page once itself; WireMock would gzip every response again
        .gzipDisabled(true)
        .extensions(api));
    server.start();
    server.stubFor(any(anyUrl()).willReturn(ok()));
  }

  /** The base URL, e.g. {@code http://127.0.0.1:12111}. */
  public String url() {
    return "http://127.0.0.1:" + server.port();
  }

  public FakeStripe api() {
    return api;
  }

  @Override
  public void close() {
    server.stop();
  }

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 12111;
    int objects = args.length > 1 ? Integer.parseInt(args[1]) : 25;
    long firstCreated = Instant.now().minus(90, ChronoUnit.DAYS).getEpochSecond();
    FakeStripe api = new FakeStripe().recordRequests(false)
        .gzip(!"off".equals(System.getenv("STRIPE_SANDBOX_GZIP")));
    if (args.length > 2) {
      long step = Math.max(1, 80L * 86_400 / Math.max(1, objects));
      for (String list : args[2].split(",")) {
        String path = "/v1/" + list.trim();
        String type = FakeStripe.LISTS.get(path);
        if (type == null) {
          throw new IllegalArgumentException("No list " + list + "; lists: " + FakeStripe.LISTS.keySet());
        }
        for (int i = 0; i < objects; i++) {
          api.add(path, api.cloneOf(type, firstCreated + i * step));
        }
        // tap-stripe's page size: a benchmark's requests are then answered from prepared bytes
        api.prerender(path, 100);
      }
    } else {
      api.cloneExamples(objects, firstCreated, 3600);
    }
    StripeSandbox sandbox = new StripeSandbox(port, api);
    System.out.println(sandbox.url());
    System.out.flush();
    System.err.println("Stripe sandbox: " + objects + " objects per list at " + sandbox.url()
        + "; any API key works. Try: tap-stripe --config config.json, with config"
        + " {\"client_secret\": \"sk_test_sandbox\", \"start_date\": \"2020-01-01T00:00:00Z\","
        + " \"api_url\": \"" + sandbox.url() + "\"}. Stop with Ctrl-C.");
    Runtime.getRuntime().addShutdownHook(new Thread(sandbox::close));
  }
}
