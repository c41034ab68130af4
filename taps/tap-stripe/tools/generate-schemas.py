#!/usr/bin/env python3
"""Writes tap-stripe's stream schemas from Stripe's example objects (stripe/openapi fixtures3.json).

Usage: generate-schemas.py FIXTURES_OBJECTS_DIR OUTPUT_DIR

Rules: every property nullable except `id`; epoch-second fields (named as Stripe names timestamps)
become date-time strings; list envelopes {"object": "list", "data": [...]} become arrays of their
items; a property that is null in the example accepts anything; every stream gets `updated`
(when the tap last saw a change) and mutable streams `deleted`.
"""
import json, os, sys

STREAMS = {
    "charges": ("charge", True), "customers": ("customer", True), "invoices": ("invoice", True),
    "invoice_line_items": ("line_item", True), "subscriptions": ("subscription", True),
    "subscription_items": ("subscription_item", True), "payment_intents": ("payment_intent", True),
    "refunds": ("refund", True), "balance_transactions": ("balance_transaction", False),
    "events": ("event", False), "products": ("product", True), "prices": ("price", True),
    "payouts": ("payout", True), "disputes": ("dispute", True), "coupons": ("coupon", True),
    "transfers": ("transfer", True),
}
TIMESTAMPS = {"created", "updated", "arrival_date", "available_on", "billing_cycle_anchor", "cancel_at",
              "canceled_at", "current_period_start", "current_period_end", "due_by", "due_date",
              "effective_at", "end", "ended_at", "start", "next_payment_attempt", "period_end",
              "period_start", "redeem_by", "start_date", "trial_end", "trial_start", "voided_at",
              "webhooks_delivered_at", "next_pending_invoice_item_invoice", "date"}

def is_timestamp(name):
    return name in TIMESTAMPS or name.endswith("_at")

def schema_of(name, value, top=False):
    if name is not None and is_timestamp(name) and (value is None or isinstance(value, int)) \
            and not isinstance(value, bool):
        return {"type": ["null", "string"], "format": "date-time"}
    if value is None:
        return {}
    if isinstance(value, bool):
        return {"type": ["null", "boolean"]}
    if isinstance(value, int):
        return {"type": ["null", "integer"]}
    if isinstance(value, float):
        return {"type": ["null", "number"]}
    if isinstance(value, str):
        return {"type": ["null", "string"]}
    if isinstance(value, list):
        return {"type": ["null", "array"], "items": schema_of(None, value[0]) if value else {}}
    if value.get("object") == "list" and "data" in value:
        items = value["data"]
        return {"type": ["null", "array"], "items": schema_of(None, items[0]) if items else {}}
    properties = {k: schema_of(k, v) for k, v in sorted(value.items())}
    return {"type": "object" if top else ["null", "object"], "properties": properties}

def main(source, target):
    for stream, (obj, mutable) in STREAMS.items():
        with open(os.path.join(source, obj + ".json")) as f:
            example = json.load(f)
        schema = schema_of(None, example, top=True)
        schema["properties"]["id"] = {"type": "string"}
        schema["properties"]["updated"] = {"type": ["null", "string"], "format": "date-time"}
        if stream == "events":
            # data.object is whatever object the event is about: any object.
            schema["properties"]["data"] = {"type": ["null", "object"], "properties": {
                "object": {"type": ["null", "object"]}, "previous_attributes": {"type": ["null", "object"]}}}
        if mutable:
            schema["properties"]["deleted"] = {"type": ["null", "boolean"]}
        with open(os.path.join(target, stream + ".json"), "w") as f:
            json.dump(schema, f, indent=1, sort_keys=False)
            f.write("\n")

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
