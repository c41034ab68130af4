package dev.tapline.tap.stripe;

import dev.tapline.spec.config.Setting;
import dev.tapline.tap.Tap;
import dev.tapline.tap.TapStream;
import dev.tapline.tap.http.ApiClient;
import dev.tapline.tap.http.BearerTokenAuthenticator;
import dev.tapline.tap.http.RetryHint;
import dev.tapline.tap.http.RetryPolicy;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * tap-stripe: charges, customers, invoices and the rest of a Stripe account. Settings are those of
 * singer-io's tap-stripe plus {@code api_url} and retry and rate settings.
 *
 * <p>New objects are read in {@code created[gte]/created[lt]} windows paged with {@code
 * starting_after}; on incremental runs, changed and deleted objects of mutable streams come from
 * the Events API (Stripe keeps 30 days of events; the newest event per object wins); immutable
 * streams re-read a {@code lookback_window}. Every record carries {@code updated}, the replication
 * key: its creation time, or the time of the event that changed it.
 */
public final class StripeTap extends Tap<StripeTap.Settings> {

  /** The Stripe API version every request pins. */
  public static final String API_VERSION = "2024-06-20";

  /** The settings of tap-stripe. */
  public record Settings(
      @Setting(description = "Secret API key (sk_live_... or sk_test_...) or a restricted key",
          secret = true)
          String clientSecret,
      @Setting(description = "Connected account to read (sent as Stripe-Account); empty reads the"
          + " key's own account", required = false)
          Optional<String> accountId,
      @Setting(description = "Earliest creation time to read on the first run")
          Instant startDate,
      @Setting(description = "Seconds of balance transactions and events read again on each run,"
          + " for objects that appear late", defaultValue = "600")
          long lookbackWindow,
      @Setting(description = "Days per created[gte]/created[lt] window of a list", defaultValue = "30")
          int dateWindowSize,
      @Setting(description = "Days per window of the Events API", defaultValue = "7")
          int eventDateWindowSize,
      @Setting(description = "Seconds to wait for a response", defaultValue = "300")
          long requestTimeout,
      @Setting(description = "Stripe API base URL (tests, proxies, the sandbox)",
          defaultValue = "https://api.stripe.com")
          URI apiUrl,
      @Setting(description = "Objects per page (Stripe allows 1 to 100)", defaultValue = "100")
          int pageSize,
      @Setting(description = "Attempts per request before giving up", defaultValue = "8")
          int maxAttempts,
      @Setting(description = "Seconds before the first retry; doubled at each retry",
          defaultValue = "1")
          Duration retryBackoff,
      @Setting(description = "Requests per second at most; 0 for no limit (Stripe allows 100 in"
          + " live mode, 25 in test mode)", defaultValue = "0")
          double requestsPerSecond) {

    public Settings {
      if (dateWindowSize < 1 || eventDateWindowSize < 1) {
        throw new IllegalArgumentException("date_window_size and event_date_window_size must be at least 1");
      }
      if (pageSize < 1 || pageSize > 100) {
        throw new IllegalArgumentException("page_size must be between 1 and 100");
      }
      if (lookbackWindow < 0) {
        throw new IllegalArgumentException("lookback_window must not be negative");
      }
    }
  }

  @Override
  public String description() {
    return "Reads a Stripe account: charges, customers, invoices, subscriptions and more.";
  }

  @Override
  protected List<TapStream> streams(Settings settings) {
    ApiClient client = client(settings);
    List<TapStream> streams = new ArrayList<>();
    for (StripeObjectType type : StripeObjectType.ALL) {
      streams.add(new StripeStream(client, settings, type, false));
      if (type.stream().equals("invoices")) {
        streams.add(new StripeChildStream(client, settings, "invoice_line_items",
            StripeObjectType.named("invoices"), "lines", "invoice", "/v1/invoices/{id}/lines"));
      }
      if (type.stream().equals("subscriptions")) {
        streams.add(new StripeChildStream(client, settings, "subscription_items",
            StripeObjectType.named("subscriptions"), "items", "subscription",
            "/v1/subscription_items?subscription={id}"));
      }
    }
    return streams;
  }

  static ApiClient client(Settings settings) {
    ApiClient.Builder builder = ApiClient.builder()
        .authenticator(new BearerTokenAuthenticator(settings.clientSecret()))
        .header("Stripe-Version", API_VERSION)
        .header("User-Agent", "tapline-tap-stripe")
        .retryHint(RetryHint.STRIPE)
        .retryPolicy(new RetryPolicy(settings.maxAttempts(), settings.retryBackoff(),
            Duration.ofSeconds(60).compareTo(settings.retryBackoff()) > 0
                ? Duration.ofSeconds(60) : settings.retryBackoff(),
            Duration.ofMinutes(10)))
        .requestsPerSecond(settings.requestsPerSecond())
        .requestTimeout(Duration.ofSeconds(settings.requestTimeout()));
    settings.accountId().filter(id -> !id.isBlank())
        .ifPresent(id -> builder.header("Stripe-Account", id));
    return builder.build();
  }

  public static void main(String[] args) {
    Tap.main(new StripeTap(), args);
  }
}
