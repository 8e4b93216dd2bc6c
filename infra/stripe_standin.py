#!/usr/bin/env python3
"""A local stand-in for the parts of Stripe's API Duely calls, for tests and local runs.

Stripe's servers cannot be reached from CI, and neither localstripe nor stripe-stateful-mock
serves Checkout or the Billing Portal, so this answers with Stripe's documented response shapes
(API 2025-03-31 and later), form-encoded requests in, JSON out:

  POST /v1/customers                  -> customer
  POST /v1/checkout/sessions          -> checkout.session (mode subscription or payment)
  POST /v1/billing_portal/sessions    -> billing_portal.session
  GET  /v1/balance                    -> balance (the key check)
  GET  /checkout/<id>, /portal/<id>   -> the "hosted" pages the URLs point at

Authentication is Stripe's: `Authorization: Bearer <key>`. A key that does not start with sk_
or rk_, or that contains "invalid", gets Stripe's 401 answer. Missing required parameters get
Stripe's 400 answer naming the parameter. `GET /_standin/requests` lists what was received
(path, key, decoded form and the id of what was created), so tests can check what Duely sent.

Usage: stripe_standin.py <port>   (standard library only)
"""

import json
import re
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlparse

LOCK = threading.Lock()
REQUESTS = []
SESSIONS = {}


def new_id(prefix):
    return f"{prefix}_{uuid.uuid4().hex[:24]}"


def decode_form(body):
    """Stripe's bracketed form keys (`line_items[0][price]`) into nested dicts and lists."""
    root = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return listify(root)


def listify(node):
    if isinstance(node, dict):
        if node and all(key.isdigit() for key in node):
            return [listify(node[key]) for key in sorted(node, key=int)]
        return {key: listify(value) for key, value in node.items()}
    return node


def stripe_error(status, message, param=None, kind="invalid_request_error"):
    error = {"type": kind, "message": message}
    if param:
        error["param"] = param
    return status, {"error": error}


class Handler(BaseHTTPRequestHandler):
    server_version = "StripeStandIn/1.0"

    def log_message(self, fmt, *args):
        sys.stderr.write("stripe-standin: " + (fmt % args) + "\n")

    def base(self):
        return f"http://{self.headers.get('Host', '127.0.0.1')}"

    def send_json(self, status, payload):
        entry = getattr(self, "entry", None)
        if entry is not None and isinstance(payload, dict) and "id" in payload:
            with LOCK:
                entry["responseId"] = payload["id"]
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Request-Id", new_id("req"))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_html(self, html):
        body = html.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def key(self):
        header = self.headers.get("Authorization", "")
        return header[len("Bearer "):] if header.startswith("Bearer ") else None

    def authenticate(self):
        key = self.key()
        if not key:
            return stripe_error(
                401,
                "You did not provide an API key. You need to provide your API key in the "
                "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
            )
        if not (key.startswith("sk_") or key.startswith("rk_")) or "invalid" in key:
            return stripe_error(401, f"Invalid API Key provided: {key[:8]}****{key[-4:]}")
        return None

    def record(self, form):
        with LOCK:
            self.entry = {
                "method": self.command,
                "path": urlparse(self.path).path,
                "key": self.key(),
                "stripeVersion": self.headers.get("Stripe-Version"),
                "idempotencyKey": self.headers.get("Idempotency-Key"),
                "form": form,
                "at": time.time(),
            }
            REQUESTS.append(self.entry)

    def do_GET(self):
        self.entry = None
        path = urlparse(self.path).path
        if path == "/_standin/requests":
            with LOCK:
                return self.send_json(200, list(REQUESTS))
        if path.startswith("/checkout/"):
            session = SESSIONS.get(path.rsplit("/", 1)[-1])
            if not session:
                return self.send_json(*stripe_error(404, "No such checkout.session"))
            amount = session.get("amount_total")
            return self.send_html(
                "<!doctype html><title>Stripe Checkout (stand-in)</title>"
                f"<h1>Stripe Checkout (stand-in)</h1><p data-testid='mode'>{session['mode']}</p>"
                f"<p data-testid='amount'>{amount if amount is not None else ''} {session.get('currency') or ''}</p>"
            )
        if path.startswith("/portal/"):
            return self.send_html("<!doctype html><title>Billing portal (stand-in)</title><h1>Billing portal (stand-in)</h1>")
        if path == "/v1/balance":
            self.record({})
            failure = self.authenticate()
            if failure:
                return self.send_json(*failure)
            key = self.key()
            return self.send_json(200, {
                "object": "balance",
                "available": [{"amount": 0, "currency": "usd", "source_types": {"card": 0}}],
                "pending": [{"amount": 0, "currency": "usd", "source_types": {"card": 0}}],
                "livemode": "_live_" in key,
            })
        return self.send_json(*stripe_error(404, f"Unrecognized request URL (GET: {path})."))

    def do_POST(self):
        self.entry = None
        path = urlparse(self.path).path
        length = int(self.headers.get("Content-Length") or 0)
        form = decode_form(self.rfile.read(length).decode())
        self.record(form)
        failure = self.authenticate()
        if failure:
            return self.send_json(*failure)
        now = int(time.time())
        if path == "/v1/customers":
            return self.send_json(200, {
                "id": new_id("cus"), "object": "customer", "created": now, "livemode": False,
                "email": form.get("email"), "name": form.get("name"),
                "metadata": form.get("metadata", {}), "balance": 0, "delinquent": False,
                "invoice_settings": {"custom_fields": None, "default_payment_method": None, "footer": None},
                "preferred_locales": [], "tax_exempt": "none",
            })
        if path == "/v1/checkout/sessions":
            return self.send_json(*self.checkout_session(form, now))
        if path == "/v1/billing_portal/sessions":
            if not form.get("customer"):
                return self.send_json(*stripe_error(400, "Missing required param: customer.", "customer"))
            session_id = new_id("bps")
            return self.send_json(200, {
                "id": session_id, "object": "billing_portal.session", "configuration": new_id("bpc"),
                "created": now, "customer": form["customer"], "livemode": False, "locale": None,
                "on_behalf_of": None, "return_url": form.get("return_url"), "flow": None,
                "url": f"{self.base()}/portal/{session_id}",
            })
        return self.send_json(*stripe_error(404, f"Unrecognized request URL (POST: {path})."))

    def checkout_session(self, form, now):
        mode = form.get("mode")
        if mode not in ("payment", "subscription", "setup"):
            return stripe_error(400, "Missing required param: mode.", "mode")
        if not form.get("success_url"):
            return stripe_error(400, "Missing required param: success_url.", "success_url")
        items = form.get("line_items") or []
        if not items:
            return stripe_error(400, "Missing required param: line_items.", "line_items")
        amount_total, currency = 0, None
        for index, item in enumerate(items):
            if "quantity" not in item:
                return stripe_error(400, "Quantity is required.", f"line_items[{index}][quantity]")
            quantity = int(item["quantity"])
            if mode == "subscription":
                if not item.get("price"):
                    return stripe_error(400, "Missing required param: price.", f"line_items[{index}][price]")
                amount_total, currency = None, None
            else:
                price_data = item.get("price_data") or {}
                for field in ("currency", "unit_amount"):
                    if field not in price_data:
                        return stripe_error(400, f"Missing required param: {field}.",
                                            f"line_items[{index}][price_data][{field}]")
                if not (price_data.get("product_data") or {}).get("name"):
                    return stripe_error(400, "Missing required param: name.",
                                        f"line_items[{index}][price_data][product_data][name]")
                if not price_data["unit_amount"].isdigit():
                    return stripe_error(400, "Invalid integer: " + price_data["unit_amount"],
                                        f"line_items[{index}][price_data][unit_amount]")
                amount_total += int(price_data["unit_amount"]) * quantity
                currency = price_data["currency"]
        session_id = new_id("cs_test")
        session = {
            "id": session_id, "object": "checkout.session", "mode": mode, "status": "open",
            "payment_status": "unpaid", "url": f"{self.base()}/checkout/{session_id}",
            "amount_subtotal": amount_total, "amount_total": amount_total, "currency": currency,
            "customer": form.get("customer"), "customer_email": form.get("customer_email"),
            "client_reference_id": form.get("client_reference_id"),
            "metadata": form.get("metadata", {}), "payment_intent": None, "subscription": None,
            "invoice": None, "success_url": form.get("success_url"), "cancel_url": form.get("cancel_url"),
            "created": now, "expires_at": now + 86400, "livemode": False,
            "automatic_tax": {"enabled": False, "liability": None, "status": None},
            "custom_fields": [], "custom_text": {"after_submit": None, "shipping_address": None,
                                                 "submit": None, "terms_of_service_acceptance": None},
            "payment_method_types": ["card"], "shipping_options": [],
        }
        SESSIONS[session_id] = session
        return 200, session


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 12111
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    sys.stderr.write(f"stripe-standin: listening on 127.0.0.1:{port}\n")
    server.serve_forever()


if __name__ == "__main__":
    main()
