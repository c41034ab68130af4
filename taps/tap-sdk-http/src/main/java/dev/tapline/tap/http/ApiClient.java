package dev.tapline.tap.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.spec.Log;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.ConnectionSpec;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Sends {@link ApiRequest}s over one OkHttp client (connections are reused) with everything an API
 * tap needs around a request: credentials, default headers, a client-side rate limit, retries with
 * exponential backoff and jitter on 429, 5xx, timeouts and dropped connections ({@code
 * Retry-After} and an API's {@link RetryHint} honoured), a clear error for everything else,
 * request logs on stderr with secrets masked, and an {@code http_request_duration} METRIC line per
 * request. Thread-safe; make one per tap run and share it between the streams.
 */
public final class ApiClient implements AutoCloseable {

  private static final Log LOG = Log.named("http");
  private static final Set<String> SENSITIVE_PARAMETERS = Set.of("api_key", "apikey", "key",
      "token", "access_token", "refresh_token", "client_secret", "password", "secret", "signature");

  /** For http URLs: no TLS set up (that costs a third of a second of start-up); redirects not followed. */
  private final OkHttpClient cleartext;
  /** For https URLs and redirects, made on first use; shares the connection pool and threads. */
  private volatile OkHttpClient full;
  private final Authenticator authenticator;
  private final Map<String, String> defaultHeaders;
  private final RetryPolicy retryPolicy;
  private final RetryHint retryHint;
  private final RateLimiter rateLimiter;
  private final boolean metrics;

  private ApiClient(Builder builder) {
    this.cleartext = new OkHttpClient.Builder()
        .connectTimeout(builder.connectTimeout)
        .readTimeout(builder.requestTimeout)
        .writeTimeout(builder.requestTimeout)
        .callTimeout(Duration.ZERO)
        .retryOnConnectionFailure(false)
        .connectionSpecs(List.of(ConnectionSpec.CLEARTEXT))
        .followRedirects(false)
        .build();
    this.authenticator = builder.authenticator;
    this.defaultHeaders = Map.copyOf(builder.headers);
    this.retryPolicy = builder.retryPolicy;
    this.retryHint = builder.retryHint;
    this.rateLimiter = new RateLimiter(builder.requestsPerSecond);
    this.metrics = builder.metrics;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Settings of a client. Not thread-safe; {@link #build()} once. */
  public static final class Builder {
    private Authenticator authenticator = Authenticator.NONE;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    private RetryHint retryHint = RetryHint.NONE;
    private double requestsPerSecond;
    private Duration connectTimeout = Duration.ofSeconds(30);
    private Duration requestTimeout = Duration.ofSeconds(300);
    private boolean metrics = true;

    private Builder() {
      headers.put("User-Agent", "tapline");
      headers.put("Accept", "application/json");
    }

    public Builder authenticator(Authenticator value) {
      this.authenticator = Objects.requireNonNull(value);
      return this;
    }

    /** A header sent with every request (the request's own headers win). */
    public Builder header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    public Builder retryPolicy(RetryPolicy value) {
      this.retryPolicy = Objects.requireNonNull(value);
      return this;
    }

    public Builder retryHint(RetryHint value) {
      this.retryHint = Objects.requireNonNull(value);
      return this;
    }

    /** At most this many requests per second (0: no limit). */
    public Builder requestsPerSecond(double value) {
      this.requestsPerSecond = value;
      return this;
    }

    public Builder connectTimeout(Duration value) {
      this.connectTimeout = value;
      return this;
    }

    /** How long a response may take to start and between two reads of its body. */
    public Builder requestTimeout(Duration value) {
      this.requestTimeout = value;
      return this;
    }

    /** Whether to write an {@code http_request_duration} METRIC per request (default yes). */
    public Builder metrics(boolean value) {
      this.metrics = value;
      return this;
    }

    public ApiClient build() {
      return new ApiClient(this);
    }
  }

  /**
   * Sends the request with credentials and retries; returns its 2xx response.
   *
   * @param request the request, without credentials
   * @param endpoint a short name for logs and metrics (the stream name), or null for the path
   * @throws HttpFailure when the API refuses the request or retries are exhausted
   */
  public ApiResponse execute(ApiRequest request, String endpoint) {
    return send(request, true, endpoint);
  }

  /** Sends without the authenticator (token endpoints use this); retries as {@link #execute}. */
  ApiResponse send(ApiRequest request, boolean authenticate) {
    return send(request, authenticate, null);
  }

  private ApiResponse send(ApiRequest request, boolean authenticate, String endpoint) {
    String name = endpoint == null ? pathOf(request.url()) : endpoint;
    int attempt = 0;
    while (true) {
      attempt++;
      ApiRequest sent = authenticate ? authenticator.authenticate(request, this) : request;
      rateLimiter.acquire();
      long started = System.nanoTime();
      ApiResponse response;
      try {
        response = call(sent);
      } catch (IOException e) {
        long elapsed = System.nanoTime() - started;
        metric(name, 0, "failed", elapsed);
        String problem = describe(e);
        if (e instanceof UnknownHostException) {
          throw new HttpFailure(request.method() + " " + redactedUrl(request) + " failed: " + problem
              + ". Check the API URL in the config.", e);
        }
        if (attempt >= retryPolicy.maxAttempts()) {
          throw new HttpFailure(request.method() + " " + redactedUrl(request) + " failed "
              + attempt + " times; the last time: " + problem
              + ". Check that the API is reachable, or raise the request timeout.", e);
        }
        long wait = retryPolicy.backoffNanos(attempt, ThreadLocalRandom.current().nextDouble());
        LOG.warn(request.method() + " " + redactedUrl(request) + ": " + problem + "; retrying in "
            + seconds(wait) + " s (attempt " + (attempt + 1) + " of " + retryPolicy.maxAttempts() + ").");
        sleep(wait);
        continue;
      }
      long elapsed = System.nanoTime() - started;
      int status = response.status();
      boolean success = status >= 200 && status < 300;
      metric(name, status, success ? "succeeded" : "failed", elapsed);
      if (LOG.isEnabled(Log.Level.DEBUG)) {
        LOG.debug(request.method() + " " + redactedUrl(request) + " -> " + status + " in "
            + TimeUnit.NANOSECONDS.toMillis(elapsed) + " ms, " + response.body().length + " bytes");
      }
      if (success) {
        return response;
      }
      if (!retriable(response)) {
        throw refusal(request, response);
      }
      if (attempt >= retryPolicy.maxAttempts()) {
        throw new HttpFailure(request.method() + " " + redactedUrl(request) + " failed "
            + attempt + " times; the last answer was " + status + apiMessage(response)
            + ". The API is overloaded or down; try again later.", status);
      }
      long wait = Math.max(
          retryPolicy.backoffNanos(attempt, ThreadLocalRandom.current().nextDouble()),
          retryAfterNanos(response));
      LOG.warn(request.method() + " " + redactedUrl(request) + " -> " + status + "; retrying in "
          + seconds(wait) + " s (attempt " + (attempt + 1) + " of " + retryPolicy.maxAttempts() + ").");
      sleep(wait);
    }
  }

  private ApiResponse call(ApiRequest request) throws IOException {
    HttpUrl base = HttpUrl.parse(request.url());
    if (base == null) {
      throw new HttpFailure("'" + redactedUrl(request) + "' is not an http(s) URL; check the API"
          + " URL in the config.", 0);
    }
    HttpUrl.Builder url = base.newBuilder();
    for (ApiRequest.Parameter parameter : request.query()) {
      url.addQueryParameter(parameter.name(), parameter.value());
    }
    Request.Builder builder = new Request.Builder().url(url.build());
    for (Map.Entry<String, String> header : defaultHeaders.entrySet()) {
      if (!request.headers().containsKey(header.getKey())) {
        builder.header(header.getKey(), header.getValue());
      }
    }
    for (Map.Entry<String, String> header : request.headers().entrySet()) {
      builder.header(header.getKey(), header.getValue());
    }
    RequestBody body = request.body() == null ? null : RequestBody.create(request.body(),
        MediaType.parse(request.contentType() == null ? "application/json" : request.contentType()));
    builder.method(request.method(), body);
    Request built = builder.build();
    if (built.url().isHttps()) {
      return read(full().newCall(built), request);
    }
    try (Response response = cleartext.newCall(built).execute()) {
      if (!response.isRedirect()) {
        return read(response, request);
      }
    }
    // a redirect (perhaps to https): asked again of the client that follows redirects
    return read(full().newCall(built), request);
  }

  private static ApiResponse read(Call call, ApiRequest request) throws IOException {
    try (Response response = call.execute()) {
      return read(response, request);
    }
  }

  private static ApiResponse read(Response response, ApiRequest request) throws IOException {
    ResponseBody responseBody = response.body();
    byte[] bytes = responseBody == null ? new byte[0] : responseBody.bytes();
    return new ApiResponse(request, response.code(), response.headers().toMultimap(), bytes);
  }

  private OkHttpClient full() {
    OkHttpClient client = full;
    if (client == null) {
      synchronized (this) {
        client = full;
        if (client == null) {
          client = cleartext.newBuilder()
              .connectionSpecs(List.of(ConnectionSpec.MODERN_TLS, ConnectionSpec.CLEARTEXT))
              .followRedirects(true)
              .build();
          full = client;
        }
      }
    }
    return client;
  }

  private boolean retriable(ApiResponse response) {
    int status = response.status();
    if (status == 401 || status == 403) {
      return false;
    }
    Boolean hint = retryHint.shouldRetry(response);
    if (hint != null) {
      return hint;
    }
    return status == 429 || status == 408 || (status >= 500 && status != 501);
  }

  private HttpFailure refusal(ApiRequest request, ApiResponse response) {
    int status = response.status();
    String what = request.method() + " " + redactedUrl(request) + " was refused with " + status
        + apiMessage(response);
    String advice;
    if (status == 401) {
      advice = "Check the credentials in the config (API key, token or client secret): they are"
          + " missing, wrong or expired.";
    } else if (status == 403) {
      advice = "The credentials are valid but may not read this; check their permissions or"
          + " scopes, and the account they belong to.";
    } else if (status == 404) {
      advice = "Check the API URL and the path in the config.";
    } else if (status >= 400 && status < 500) {
      advice = "The API did not accept the request; check the stream's parameters in the config.";
    } else {
      advice = "The API says not to retry it; try again later.";
    }
    return new HttpFailure(what + ". " + advice, status);
  }

  /** ": <message>" from the usual error bodies, or "". */
  static String apiMessage(ApiResponse response) {
    JsonNode json;
    try {
      json = response.json();
    } catch (RuntimeException e) {
      String text = response.bodyText().strip();
      return text.isEmpty() ? "" : ": " + text.substring(0, Math.min(200, text.length()));
    }
    for (String pointer : List.of("/error/message", "/message", "/error_description", "/error",
        "/errors/0/message", "/detail")) {
      JsonNode message = json.at(pointer);
      if (message.isTextual() && !message.textValue().isBlank()) {
        return ": " + message.textValue();
      }
    }
    return "";
  }

  private static long retryAfterNanos(ApiResponse response) {
    String value = response.header("Retry-After");
    if (value == null) {
      return 0;
    }
    value = value.trim();
    try {
      return TimeUnit.MILLISECONDS.toNanos((long) (Double.parseDouble(value) * 1000));
    } catch (NumberFormatException e) {
      try {
        Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        return Math.max(0, Duration.between(Instant.now(), at).toNanos());
      } catch (DateTimeParseException unreadable) {
        return 0;
      }
    }
  }

  private long capRetryAfter(long nanos) {
    return Math.min(nanos, retryPolicy.maxRetryAfter().toNanos());
  }

  private void sleep(long nanos) {
    long wait = capRetryAfter(nanos);
    try {
      TimeUnit.NANOSECONDS.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HttpFailure("Interrupted while waiting to retry a request", e);
    }
  }

  private void metric(String endpoint, int status, String outcome, long nanos) {
    if (!metrics) {
      return;
    }
    ObjectNode metric = Json.object();
    metric.put("type", "timer");
    metric.put("metric", "http_request_duration");
    metric.put("value", nanos / 1e9);
    ObjectNode tags = metric.putObject("tags");
    tags.put("endpoint", endpoint);
    if (status > 0) {
      tags.put("http_status_code", status);
    }
    tags.put("status", outcome);
    LOG.metric(Json.write(metric));
  }

  private static String describe(IOException e) {
    if (e instanceof InterruptedIOException) {
      return "no answer in time (" + e.getMessage() + ")";
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.2f", nanos / 1e9);
  }

  private static String pathOf(String url) {
    HttpUrl parsed = HttpUrl.parse(url);
    return parsed == null ? url : parsed.encodedPath();
  }

  /**
   * The request's URL for logs: query values of credential-like parameters ({@code api_key},
   * {@code token}, ...) masked. Values of the authenticator are masked by the tap's stderr too.
   */
  public static String redactedUrl(ApiRequest request) {
    StringBuilder text = new StringBuilder();
    String url = request.url();
    int question = url.indexOf('?');
    if (question < 0) {
      text.append(url);
    } else {
      text.append(url, 0, question);
      appendQuery(text, url.substring(question + 1), '?');
    }
    char separator = question < 0 ? '?' : '&';
    for (ApiRequest.Parameter parameter : request.query()) {
      text.append(separator).append(parameter.name()).append('=').append(
          isSensitive(parameter.name()) ? "********" : parameter.value());
      separator = '&';
    }
    return text.toString();
  }

  private static void appendQuery(StringBuilder text, String query, char first) {
    char separator = first;
    for (String pair : query.split("&")) {
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      text.append(separator).append(equals < 0 || !isSensitive(name) ? pair : name + "=********");
      separator = '&';
    }
  }

  private static boolean isSensitive(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return SENSITIVE_PARAMETERS.contains(lower) || lower.endsWith("_token") || lower.endsWith("_key")
        || lower.endsWith("secret");
  }

  /** The authenticator's secrets, to mask in logs. */
  public List<String> secrets() {
    return authenticator.secrets();
  }

  @Override
  public void close() {
    cleartext.dispatcher().executorService().shutdown();
    cleartext.connectionPool().evictAll();
  }
}
