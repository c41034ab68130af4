import dev.tapline.tap.http.ApiClient;
import dev.tapline.tap.http.ApiRequest;
import dev.tapline.tap.http.ApiResponse;
import dev.tapline.tap.http.BearerTokenAuthenticator;
import dev.tapline.tap.http.StartingAfterPaginator;
import dev.tapline.tap.http.Page;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Throwaway harness: the cost of one 100-record page at three layers, against the sandbox.
 * raw: plain OkHttp GET and body bytes; client: ApiClient.execute (credentials, headers, rate
 * limiter, retry loop, metric line off); parse: client plus ApiResponse.json() (LazyJson: the
 * body checked whole, the list of records read; the records themselves are read later, by the
 * stream) and the record count.
 * Usage: java -cp CP HttpOverhead.java URL PAGES
 */
public class HttpOverhead {
  public static void main(String[] args) throws Exception {
    String url = args[0];
    int pages = Integer.parseInt(args[1]);
    List<String> urls = new ArrayList<>();
    ApiClient client = ApiClient.builder().authenticator(new BearerTokenAuthenticator("sk_test_bench"))
        .metrics(false).build();
    StartingAfterPaginator paginator = new StartingAfterPaginator();
    ApiRequest base = ApiRequest.get(url, "/v1/charges").withQuery("limit", "100");
    Page page = Page.FIRST;
    for (int i = 0; i < pages; i++) {
      ApiRequest request = paginator.apply(base, page);
      ApiResponse response = client.execute(request, "charges");
      List<ObjectNode> records = new ArrayList<>();
      response.json().path("data").forEach(r -> records.add((ObjectNode) r));
      urls.add(url + "/v1/charges?limit=100" + (page.isFirst() ? "" : "&starting_after=" + page.tokenText()));
      var next = paginator.nextToken(page, response, records);
      if (next.isEmpty()) break;
      page = page.next(next.get());
    }
    OkHttpClient raw = new OkHttpClient();
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    for (int round = 0; round < 5; round++) {
      long c0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      long bytes = 0;
      for (String u : urls) {
        try (Response r = raw.newCall(new Request.Builder().url(u).header("Authorization", "Bearer sk_test_bench").build()).execute()) {
          bytes += r.body().bytes().length;
        }
      }
      long t1 = System.nanoTime();
      long c1 = threads.getCurrentThreadCpuTime();
      for (String u : urls) {
        client.execute(ApiRequest.get(u), "charges");
      }
      long t2 = System.nanoTime();
      long c2 = threads.getCurrentThreadCpuTime();
      long records = 0;
      for (String u : urls) {
        ApiResponse response = client.execute(ApiRequest.get(u), "charges");
        JsonNode data = response.json().path("data");
        records += data.size();
      }
      long t3 = System.nanoTime();
      long c3 = threads.getCurrentThreadCpuTime();
      int n = urls.size();
      System.out.printf("round %d CPU per page (calling thread): raw OkHttp %.0f us, ApiClient %.0f us"
          + " (SDK overhead %.0f us per request), ApiClient+JSON parse %.0f us (%.1f us per record)%n",
          round, (c1 - c0) / 1e3 / n, (c2 - c1) / 1e3 / n, ((c2 - c1) - (c1 - c0)) / 1e3 / n,
          (c3 - c2) / 1e3 / n, (c3 - c2) / 1e3 / records);
      System.out.printf("round %d: %d pages, %.0f KiB/page; per page: raw OkHttp %.0f us, ApiClient %.0f us"
          + " (SDK request overhead %.0f us), ApiClient+JSON parse %.0f us (%.0f records/s on one thread)%n",
          round, n, bytes / 1024.0 / n, (t1 - t0) / 1e3 / n, (t2 - t1) / 1e3 / n,
          ((t2 - t1) - (t1 - t0)) / 1e3 / n, (t3 - t2) / 1e3 / n, records / ((t3 - t2) / 1e9));
    }
    client.close();
  }
}
