package dev.tapline.tap.stripe;

import java.util.List;

/**
 * What tap-stripe knows about one top-level Stripe list.
 *
 * @param stream the stream name (singer-io's)
 * @param path the list endpoint
 * @param objectType the {@code object} value of its items, to pick them out of events
 * @param mutable whether objects change after creation (updates then come from the Events API);
 *     immutable lists re-read a lookback window instead
 * @param eventTypes the event types that carry changed objects: one wildcard ({@code charge.*})
 *     sent as {@code type}, or several exact names sent as {@code types[]}
 * @param extraParameters query parameters every list request carries, name then value
 */
record StripeObjectType(
    String stream,
    String path,
    String objectType,
    boolean mutable,
    List<String> eventTypes,
    List<String> extraParameters) {

  static final List<StripeObjectType> ALL = List.of(
      mutable("charges", "/v1/charges", "charge", "charge.*"),
      mutable("customers", "/v1/customers", "customer", "customer.*"),
      mutable("invoices", "/v1/invoices", "invoice", "invoice.*"),
      new StripeObjectType("subscriptions", "/v1/subscriptions", "subscription", true,
          List.of("customer.subscription.*"), List.of("status", "all")),
      mutable("payment_intents", "/v1/payment_intents", "payment_intent", "payment_intent.*"),
      new StripeObjectType("refunds", "/v1/refunds", "refund", true,
          List.of("refund.created", "refund.updated", "charge.refund.updated"), List.of()),
      immutable("balance_transactions", "/v1/balance_transactions", "balance_transaction"),
      immutable("events", "/v1/events", "event"),
      mutable("products", "/v1/products", "product", "product.*"),
      mutable("prices", "/v1/prices", "price", "price.*"),
      mutable("payouts", "/v1/payouts", "payout", "payout.*"),
      mutable("disputes", "/v1/disputes", "dispute", "charge.dispute.*"),
      mutable("coupons", "/v1/coupons", "coupon", "coupon.*"),
      mutable("transfers", "/v1/transfers", "transfer", "transfer.*"));

  private static StripeObjectType mutable(String stream, String path, String object, String events) {
    return new StripeObjectType(stream, path, object, true, List.of(events), List.of());
  }

  private static StripeObjectType immutable(String stream, String path, String object) {
    return new StripeObjectType(stream, path, object, false, List.of(), List.of());
  }

  static StripeObjectType named(String stream) {
    for (StripeObjectType type : ALL) {
      if (type.stream().equals(stream)) {
        return type;
      }
    }
    throw new IllegalArgumentException(stream);
  }
}
