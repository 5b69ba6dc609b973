"""The providers' own official SDKs against `paylinks sandbox` (run by scripts/official-sdks.sh).

    python official_sdks.py PATH_TO_PAYLINKS_BINARY

Starts the sandbox on a free port, reads its connection JSON (first stdout line) and drives it
with each official SDK installed from scripts/official-sdks.requirements.txt, pointed at the
sandbox's base URL: create, fetch, list, cancel, a second cancel and a wrong key, each answer
checked as the SDK's user reads it (the SDK's exception class for an error, the documented
fields of each body, from the provider's docs and SDK fixtures in tests/fixtures/). A failure
names the SDK, the call and the field. Exit 0 when every check passes (the known failures of
KNOWN_FAILURES aside), 1 otherwise.

Driven: Razorpay's `razorpay` (payment links and invoice links) and Cashfree's `cashfree-pg` 6.x
(payment links, `x-api-version: 2026-01-01`; the sandbox answers each version in its own shape).
cashfree-pg has no base-URL option (each call builds its own `Configuration` for Cashfree's
sandbox or production host): it is pointed at the sandbox through its own default-client hook,
`ApiClient.set_default`, with a client that passes the generator's per-request host argument
(`call_api(..., _host=...)`), see `cashfree_sdk_client`.
"""

import importlib.metadata
import json
import pathlib
import select
import signal
import subprocess
import sys
import tempfile
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
START_TIMEOUT_S = 30

# Checks that fail today because the sandbox does not answer as the provider does. Each is still
# run and printed on every run; one that passes fails the run until it is removed from here.
# Key: (SDK, call, field).
_PAYMENTS_MISSING = (
    "the sandbox leaves `payments` out of a link with no payment; Razorpay's docs answer "
    "`payments: null` (create) or `[]` (cancel), so `link['payments']` raises KeyError here"
)
_INVOICE_NULLS = (
    "the sandbox leaves out the link invoice's keys whose value is null or not known "
    "(paid_at, payment_id, line_items, sms_status, email_status); Razorpay's link invoice "
    "(razorpay-ruby fixture razorpay_invoices/sdk_ruby_fake_invoice.json) carries them"
)
KNOWN_FAILURES = {
    **{
        ("razorpay", call, "payments"): _PAYMENTS_MISSING
        for call in ("payment_link.create", "payment_link.fetch", "payment_link.cancel")
    },
    **{
        ("razorpay", call, field): _INVOICE_NULLS
        for call in ("invoice.create", "invoice.fetch", "invoice.cancel")
        for field in ("paid_at", "payment_id", "line_items", "sms_status", "email_status")
    },
}


class Checks:
    """Counts checks; collects failures and known failures as lines naming SDK, call, field."""

    def __init__(self):
        self.passed = 0
        self.failed = []
        self.known = {}
        self.fixed = []

    def check(self, sdk, call, field, ok, got, want):
        version = installed(sdk)
        reason = KNOWN_FAILURES.get((sdk, call, field))
        where = f"{sdk} {version} {call}: {field}"
        if ok and reason is None:
            self.passed += 1
        elif ok:
            line = f"{where}: passes now; remove it from KNOWN_FAILURES in {pathlib.Path(__file__).name}"
            if line not in self.fixed:
                self.fixed.append(line)
        elif reason is not None:
            self.known.setdefault(reason, []).append(f"{where}: got {got}")
        else:
            self.failed.append(f"{sdk} {version} {call}: {field}: got {got}, want {want}")

    def equal(self, sdk, call, field, got, want):
        self.check(sdk, call, field, got == want, repr(got), repr(want))

    def page_url(self, sdk, call, field, url, api, link_id):
        """A link's URL is the sandbox's payment page of it: http(s), ending /pay/{api}/{id}
        (on 127.0.0.1, or under the --public-url)."""
        self.check(
            sdk,
            call,
            field,
            isinstance(url, str) and url.startswith(("http://", "https://")) and url.endswith(f"/pay/{api}/{link_id}"),
            repr(url),
            f"the sandbox's payment page, .../pay/{api}/{link_id}",
        )

    def raised(self, sdk, call, error):
        """A call that raised where it should have answered: the rest of its checks cannot run."""
        self.check(
            sdk, call, "(the call)", False, f"{type(error).__module__}.{type(error).__name__}: {error}", "an answer"
        )

    def documented_keys(self, sdk, call, body, fixture):
        """Every key of the documented body is in the answer, with the same JSON type where the
        documented value is not null (a dict SDK hands the body over as it came)."""
        documented = json.loads((FIXTURES / fixture).read_text())
        if not isinstance(body, dict):
            return self.check(sdk, call, "(body)", False, type(body).__name__, f"an object like {fixture}")
        for key, value in documented.items():
            if key not in body:
                self.check(sdk, call, key, False, "no such key", f"a key, as in {fixture}")
            elif value is not None and body[key] is not None:
                got, want = json_type(body[key]), json_type(value)
                # PHP (Razorpay's API) writes an empty map as `[]`: `reminders` is `[]` or
                # `{"status": ...}`, `notes` `[]` or an object.
                php_empty_map = {got, want} == {"array", "object"} and (body[key] == [] or value == [])
                self.check(sdk, call, key, got == want or php_empty_map, got, want)
            else:
                self.check(sdk, call, key, True, None, None)


def json_type(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def installed(sdk):
    try:
        return importlib.metadata.version(sdk)
    except importlib.metadata.PackageNotFoundError:
        return "(not installed)"


def documented_error(fixture):
    return json.loads((FIXTURES / fixture).read_text())["error"]["description"]


def expect_error(checks, sdk, call, error_class, action, description=None):
    """`action` must raise `error_class` (the SDK's own class for the provider's error), with
    the documented description when one is given."""
    try:
        answer = action()
    except error_class as error:
        checks.check(sdk, call, "exception", True, None, None)
        message = str(error)
        if description is None:
            checks.check(sdk, call, "message", bool(message), repr(message), "the provider's description")
        else:
            checks.equal(sdk, call, "message", message, description)
        return message
    except Exception as error:  # noqa: BLE001 - any other exception is the finding
        checks.check(sdk, call, "exception", False, f"{type(error).__name__}: {error}", error_class.__name__)
        return None
    checks.check(sdk, call, "exception", False, f"an answer {str(answer)[:80]}", error_class.__name__)
    return None


def razorpay_payment_links(checks, razorpay, config):
    sdk = "razorpay"
    client = razorpay.Client(auth=(config["key_id"], config["key_secret"]), base_url=config["base_url"])
    # The request of Razorpay's create example (payment-links/create-standard), our reference.
    request = {
        "amount": 1000,
        "currency": "INR",
        "accept_partial": True,
        "first_min_partial_amount": 100,
        "description": "Payment for policy no #23456",
        "reference_id": "official-sdk-link-1",
        "customer": {"name": "Gaurav Kumar", "contact": "+919000090000", "email": "gaurav.kumar@example.com"},
        "notify": {"sms": False, "email": False},
        "reminder_enable": True,
        "notes": {"policy_name": "Jeevan Bima"},
        "callback_url": "https://example-callback-url.com/",
        "callback_method": "get",
    }
    call = "payment_link.create"
    try:
        link = client.payment_link.create(request)
    except Exception as error:  # noqa: BLE001
        return checks.raised(sdk, call, error)
    checks.documented_keys(sdk, call, link, "razorpay/docs_create_standard_success.json")
    link_id = link.get("id", "")
    checks.check(sdk, call, "id", str(link_id).startswith("plink_"), repr(link_id), "'plink_...'")
    checks.equal(sdk, call, "status", link.get("status"), "created")
    for field in (
        "amount",
        "currency",
        "accept_partial",
        "first_min_partial_amount",
        "description",
        "reference_id",
        "notes",
        "callback_url",
        "callback_method",
    ):
        checks.equal(sdk, call, field, link.get(field), request[field])
    checks.equal(sdk, call, "amount_paid", link.get("amount_paid"), 0)
    for field in ("name", "contact", "email"):
        checks.equal(
            sdk, call, f"customer.{field}", (link.get("customer") or {}).get(field), request["customer"][field]
        )
    checks.page_url(sdk, call, "short_url", link.get("short_url"), "razorpay", link_id)

    call = "payment_link.fetch"
    try:
        fetched = client.payment_link.fetch(link_id)
    except Exception as error:  # noqa: BLE001
        return checks.raised(sdk, call, error)
    checks.documented_keys(sdk, call, fetched, "razorpay/docs_entity_standard.json")
    for field in ("id", "status", "amount", "short_url", "reference_id", "created_at"):
        checks.equal(sdk, call, field, fetched.get(field), link.get(field))

    call = "payment_link.all"
    try:
        listed = client.payment_link.all()
    except Exception as error:  # noqa: BLE001
        return checks.raised(sdk, call, error)
    checks.documented_keys(sdk, call, listed, "razorpay/sdk_python_payment_link_collection.json")
    ids = [item.get("id") for item in listed.get("payment_links") or []]
    checks.check(sdk, call, "payment_links[].id", link_id in ids, repr(ids), f"a list with {link_id!r}")
    call = "payment_link.all(reference_id)"
    try:
        by_reference = client.payment_link.all({"reference_id": request["reference_id"]})
    except Exception as error:  # noqa: BLE001
        return checks.raised(sdk, call, error)
    ids = [item.get("id") for item in by_reference.get("payment_links") or []]
    checks.equal(sdk, call, "payment_links[].id", ids, [link_id])

    call = "payment_link.cancel"
    try:
        cancelled = client.payment_link.cancel(link_id)
    except Exception as error:  # noqa: BLE001
        return checks.raised(sdk, call, error)
    checks.documented_keys(sdk, call, cancelled, "razorpay/docs_cancel_standard_success.json")
    checks.equal(sdk, call, "id", cancelled.get("id"), link_id)
    checks.equal(sdk, call, "status", cancelled.get("status"), "cancelled")
    at = cancelled.get("cancelled_at")
    checks.check(sdk, call, "cancelled_at", isinstance(at, int) and at > 0, repr(at), "a unix time")

    errors = razorpay.errors
    message = expect_error(
        checks, sdk, "payment_link.cancel (again)", errors.BadRequestError, lambda: client.payment_link.cancel(link_id)
    )
    print(f"  razorpay payment_link.cancel (again) raised BadRequestError({message!r})")
    expect_error(
        checks,
        sdk,
        "payment_link.fetch (unknown id)",
        errors.BadRequestError,
        lambda: client.payment_link.fetch("plink_DoesNotExist01"),
    )
    wrong_key = razorpay.Client(auth=("rzp_test_NotAKey0000001", config["key_secret"]), base_url=config["base_url"])
    expect_error(
        checks,
        sdk,
        "payment_link.create (wrong key)",
        errors.BadRequestError,
        lambda: wrong_key.payment_link.create(dict(request, reference_id="official-sdk-link-2")),
        documented_error("razorpay/docs_create_standard_failure_invalid_key.json"),
    )
    wrong_secret = razorpay.Client(auth=(config["key_id"], "not-the-secret"), base_url=config["base_url"])
    expect_error(
        checks,
        sdk,
        "payment_link.fetch (wrong secret)",
        errors.BadRequestError,
        lambda: wrong_secret.payment_link.fetch(link_id),
    )


def razorpay_invoice_links(checks, razorpay, config):
    """Razorpay's legacy payment links: invoices of type `link` (`client.invoice`)."""
    sdk = "razorpay"
    client = razorpay.Client(auth=(config["key_id"], config["key_secret"]), base_url=config["base_url"])
    request = {
        "type": "link",
        "amount": 49950,
        "currency": "INR",
        "description": "Order #1042",
        "receipt": "official-sdk-invoice-1",
        "customer": {"name": "Asha Rao", "email": "asha@example.com", "contact": "9876543210"},
        "sms_notify": False,
        "email_notify": False,
    }
    call = "invoice.create"
    try:
        invoice = client.invoice.create(request)
    except Exception as error:  # noqa: BLE001
        return checks.raised(sdk, call, error)
    checks.documented_keys(sdk, call, invoice, "razorpay_invoices/sdk_ruby_fake_invoice.json")
    invoice_id = invoice.get("id", "")
    checks.check(sdk, call, "id", str(invoice_id).startswith("inv_"), repr(invoice_id), "'inv_...'")
    for field, want in (
        ("type", "link"),
        ("status", "issued"),
        ("amount", 49950),
        ("amount_paid", 0),
        ("amount_due", 49950),
        ("currency", "INR"),
        ("receipt", request["receipt"]),
    ):
        checks.equal(sdk, call, field, invoice.get(field), want)
    checks.page_url(sdk, call, "short_url", invoice.get("short_url"), "razorpay_invoice", invoice_id)

    call = "invoice.fetch"
    try:
        fetched = client.invoice.fetch(invoice_id)
    except Exception as error:  # noqa: BLE001
        return checks.raised(sdk, call, error)
    checks.documented_keys(sdk, call, fetched, "razorpay_invoices/sdk_ruby_fake_invoice.json")
    for field in ("id", "status", "amount", "short_url", "receipt"):
        checks.equal(sdk, call, field, fetched.get(field), invoice.get(field))

    call = "invoice.all"
    try:
        listed = client.invoice.all({"type": "link"})
    except Exception as error:  # noqa: BLE001
        return checks.raised(sdk, call, error)
    checks.documented_keys(sdk, call, listed, "razorpay_invoices/docs_fetch_all_success.json")
    ids = [item.get("id") for item in listed.get("items") or []]
    checks.check(sdk, call, "items[].id", invoice_id in ids, repr(ids), f"a list with {invoice_id!r}")
    checks.equal(sdk, call, "count", listed.get("count"), len(ids))

    call = "invoice.cancel"
    try:
        cancelled = client.invoice.cancel(invoice_id)
    except Exception as error:  # noqa: BLE001
        return checks.raised(sdk, call, error)
    checks.documented_keys(sdk, call, cancelled, "razorpay_invoices/sdk_ruby_fake_invoice.json")
    checks.equal(sdk, call, "status", cancelled.get("status"), "cancelled")
    at = cancelled.get("cancelled_at")
    checks.check(sdk, call, "cancelled_at", isinstance(at, int) and at > 0, repr(at), "a unix time")

    errors = razorpay.errors
    expect_error(
        checks,
        sdk,
        "invoice.cancel (again)",
        errors.BadRequestError,
        lambda: client.invoice.cancel(invoice_id),
        documented_error("razorpay_invoices/docs_cancel_failure_already_cancelled.json"),
    )
    wrong_key = razorpay.Client(auth=("rzp_test_NotAKey0000001", config["key_secret"]), base_url=config["base_url"])
    expect_error(
        checks,
        sdk,
        "invoice.all (wrong key)",
        errors.BadRequestError,
        lambda: wrong_key.invoice.all({"type": "link"}),
        documented_error("razorpay_invoices/docs_error_invalid_api_key.json"),
    )


def cashfree_sdk_client(cashfree_pg, base_url):
    """cashfree-pg's default `ApiClient`, which every call of its `Cashfree` class uses, made to
    send its requests to `base_url`: `call_api` with the `_host` argument the generated client
    already takes (its `Configuration` is built anew for Cashfree's hosts by each call)."""

    class SandboxApiClient(cashfree_pg.api_client.ApiClient):
        def call_api(self, resource_path, method, *args, **kwargs):
            kwargs["_host"] = base_url
            return super().call_api(resource_path, method, *args, **kwargs)

    cashfree_pg.api_client.ApiClient.set_default(SandboxApiClient())


def cashfree_pay(control_url, link_id, amount_minor):
    """The sandbox's control API: the customer pays `amount_minor` paise of the link."""
    request = urllib.request.Request(
        f"{control_url}/cashfree/links/{link_id}/pay",
        data=json.dumps({"amount": amount_minor}).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status


def cashfree_error(checks, sdk, call, error_class, action, status, fixture, message=None):
    """`action` must raise the SDK's `error_class` for HTTP `status`, whose body has the keys and
    JSON types of the documented error body `fixture` (the SDK hands the body over as text)."""
    try:
        answer = action()
    except error_class as error:
        checks.check(sdk, call, "exception", True, None, None)
        checks.equal(sdk, call, "status", error.status, status)
        try:
            body = json.loads(error.body)
        except (TypeError, ValueError):
            return checks.check(sdk, call, "(body)", False, repr(error.body)[:80], "Cashfree's JSON error body")
        checks.documented_keys(sdk, call, body, fixture)
        documented = json.loads((FIXTURES / fixture).read_text())
        checks.equal(sdk, call, "type", body.get("type"), documented["type"])
        if message is not None:
            checks.equal(sdk, call, "message", body.get("message"), message)
        return body
    except Exception as error:  # noqa: BLE001 - any other exception is the finding
        return checks.check(sdk, call, "exception", False, f"{type(error).__name__}: {error}", error_class.__name__)
    checks.check(sdk, call, "exception", False, f"an answer {str(answer)[:80]}", error_class.__name__)
    return None


def cashfree_links(checks, cashfree_pg, config, control_url):
    """Cashfree's payment links through cashfree-pg's `Cashfree` class, as its README shows."""
    sdk = "cashfree-pg"
    api = cashfree_pg.api_client
    models = cashfree_pg.models
    cashfree_sdk_client(cashfree_pg, config["base_url"])
    client = api.Cashfree(
        XEnvironment=api.Cashfree.SANDBOX, XClientId=config["client_id"], XClientSecret=config["client_secret"]
    )
    version = client.XApiVersion

    def request(link_id):
        return models.create_link_request.CreateLinkRequest(
            link_id=link_id,
            link_amount=499.5,
            link_currency="INR",
            link_purpose="Order #1042",
            customer_details=models.link_customer_details_entity.LinkCustomerDetailsEntity(
                customer_phone="9999999999",
                customer_name="Asha Rao",
                customer_email="asha.rao@example.com",
                customer_bank_code=7001,
            ),
            link_partial_payments=True,
            link_minimum_partial_amount=100,
            link_notes={"order": "1042"},
            link_notify=models.link_notify_entity.LinkNotifyEntity(send_sms=False, send_email=False),
            link_meta=models.link_meta_response_entity.LinkMetaResponseEntity(
                upi_intent="true", return_url="https://example.com/thanks"
            ),
        )

    def link_checks(call, answer, link_id, status):
        checks.equal(sdk, call, "(HTTP status)", answer.status_code, 200)
        checks.equal(sdk, call, "x-api-version (header)", answer.headers.get("x-api-version"), version)
        link = answer.data
        checks.check(sdk, call, "(body)", isinstance(link, models.link_entity.LinkEntity), type(link).__name__, "LinkEntity")
        if not isinstance(link, models.link_entity.LinkEntity):
            return None
        checks.equal(sdk, call, "link_id", link.link_id, link_id)
        checks.equal(sdk, call, "link_status", link.link_status, status)
        checks.equal(sdk, call, "link_amount", link.link_amount, 499.5)
        checks.equal(sdk, call, "link_currency", link.link_currency, "INR")
        checks.equal(sdk, call, "link_purpose", link.link_purpose, "Order #1042")
        checks.check(sdk, call, "cf_link_id", isinstance(link.cf_link_id, str) and link.cf_link_id.isdigit(),
                     repr(link.cf_link_id), "digits, as a string")
        checks.equal(sdk, call, "link_meta.upi_intent", (link.link_meta and link.link_meta.upi_intent), "true")
        checks.equal(sdk, call, "customer_details.customer_phone",
                     (link.customer_details and link.customer_details.customer_phone), "9999999999")
        checks.equal(sdk, call, "customer_details.customer_bank_code",
                     (link.customer_details and link.customer_details.customer_bank_code), 7001)
        checks.equal(sdk, call, "link_notes", link.link_notes, {"order": "1042"})
        checks.page_url(sdk, call, "link_url", link.link_url, "cashfree", link_id)
        return link

    call = "PGCreateLink"
    try:
        created = client.PGCreateLink(request("official_sdk_cf_1"), x_idempotency_key="official-sdk-cf-1")
    except Exception as error:  # noqa: BLE001
        return checks.raised(sdk, call, error)
    link_checks(call, created, "official_sdk_cf_1", "ACTIVE")

    call = "PGFetchLink"
    try:
        fetched = client.PGFetchLink("official_sdk_cf_1")
    except Exception as error:  # noqa: BLE001
        return checks.raised(sdk, call, error)
    link_checks(call, fetched, "official_sdk_cf_1", "ACTIVE")

    call = "PGLinkFetchOrders"
    try:
        checks.equal(sdk, "(control API) pay", "(HTTP status)", cashfree_pay(control_url, "official_sdk_cf_1", 10000), 200)
        orders = client.PGLinkFetchOrders("official_sdk_cf_1", status="ALL")
    except Exception as error:  # noqa: BLE001
        return checks.raised(sdk, call, error)
    items = orders.data if isinstance(orders.data, list) else []
    checks.equal(sdk, call, "(number of orders)", len(items), 1)
    for order in items:
        checks.check(sdk, call, "(item)", isinstance(order, models.payment_link_order_entity.PaymentLinkOrderEntity),
                     type(order).__name__, "PaymentLinkOrderEntity")
        checks.equal(sdk, call, "order_status", order.order_status, "PAID")
        checks.equal(sdk, call, "order_amount", order.order_amount, 100)
        checks.equal(sdk, call, "link_id", order.link_id, "official_sdk_cf_1")
        checks.check(sdk, call, "cf_order_id", isinstance(order.cf_order_id, str), repr(order.cf_order_id), "a string")
        checks.check(sdk, call, "payment_session_id", bool(order.payment_session_id), repr(order.payment_session_id),
                     "a session id")
    try:
        partly = client.PGFetchLink("official_sdk_cf_1").data
        checks.equal(sdk, "PGFetchLink (paid in part)", "link_status", partly.link_status, "PARTIALLY_PAID")
        checks.equal(sdk, "PGFetchLink (paid in part)", "link_amount_paid", partly.link_amount_paid, 100)
    except Exception as error:  # noqa: BLE001
        return checks.raised(sdk, "PGFetchLink (paid in part)", error)

    call = "PGCancelLink"
    try:
        client.PGCreateLink(request("official_sdk_cf_2"))
        cancelled = client.PGCancelLink("official_sdk_cf_2")
    except Exception as error:  # noqa: BLE001
        return checks.raised(sdk, call, error)
    link_checks(call, cancelled, "official_sdk_cf_2", "CANCELLED")

    exceptions = cashfree_pg.exceptions
    body = cashfree_error(
        checks, sdk, "PGCancelLink (again)", exceptions.BadRequestException,
        lambda: client.PGCancelLink("official_sdk_cf_2"), 400, "cashfree/spec2022_error_400_bad_request.json",
    )
    if body:
        print(f"  cashfree-pg PGCancelLink (again) raised BadRequestException({body.get('message')!r})")
    cashfree_error(
        checks, sdk, "PGFetchLink (unknown id)", exceptions.NotFoundException,
        lambda: client.PGFetchLink("official_sdk_cf_unknown"), 404, "cashfree/spec2022_error_404_not_found.json",
    )
    wrong = api.Cashfree(XEnvironment=api.Cashfree.SANDBOX, XClientId=config["client_id"], XClientSecret="not-the-secret")
    documented = json.loads((FIXTURES / "cashfree/spec2022_error_401_authentication.json").read_text())
    cashfree_error(
        checks, sdk, "PGFetchLink (wrong key)", exceptions.UnauthorizedException,
        lambda: wrong.PGFetchLink("official_sdk_cf_1"), 401, "cashfree/spec2022_error_401_authentication.json",
        documented["message"],
    )


def start_sandbox(binary, log):
    """`paylinks sandbox --port 0`, and its connection JSON (the first stdout line)."""
    process = subprocess.Popen([binary, "sandbox", "--port", "0"], stdout=subprocess.PIPE, stderr=log, text=True)
    ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT_S)
    line = process.stdout.readline() if ready else ""
    if not line:
        stop_sandbox(process)
        log.seek(0)
        raise SystemExit(
            f"official SDKs: `{binary} sandbox --port 0` printed no connection line within {START_TIMEOUT_S} s; "
            f"its stderr:\n{log.read()}"
        )
    try:
        return process, json.loads(line)
    except json.JSONDecodeError as error:
        stop_sandbox(process)
        raise SystemExit(f"official SDKs: the sandbox's first line is not JSON ({error}): {line!r}") from None


def stop_sandbox(process):
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: official_sdks.py PATH_TO_PAYLINKS_BINARY")
    try:
        import cashfree_pg.api_client
        import cashfree_pg.exceptions
        import cashfree_pg.models
        import razorpay
    except ImportError as error:
        raise SystemExit(
            f"official SDKs: {error} (install scripts/official-sdks.requirements.txt; scripts/official-sdks.sh does)"
        ) from None

    checks = Checks()
    with tempfile.TemporaryFile("w+") as log:
        process, connection = start_sandbox(sys.argv[1], log)
        try:
            config = connection.get("razorpay")
            if not isinstance(config, dict) or not {"base_url", "key_id", "key_secret"} <= config.keys():
                raise SystemExit(
                    f"official SDKs: no razorpay base_url, key_id and key_secret in the sandbox's {connection}"
                )
            print(f"official SDKs against paylinks sandbox; razorpay {installed('razorpay')} at {config['base_url']}")
            razorpay_payment_links(checks, razorpay, config)
            razorpay_invoice_links(checks, razorpay, config)
            cashfree = connection.get("cashfree")
            if not isinstance(cashfree, dict) or not {"base_url", "client_id", "client_secret"} <= cashfree.keys():
                raise SystemExit(
                    f"official SDKs: no cashfree base_url, client_id and client_secret in the sandbox's {connection}"
                )
            print(
                f"official SDKs: cashfree-pg {installed('cashfree-pg')} at {cashfree['base_url']} "
                f"(the sandbox answers x-api-version {', '.join(cashfree.get('api_version') or [])})"
            )
            cashfree_links(checks, cashfree_pg, cashfree, connection["control_url"])
        finally:
            stop_sandbox(process)

    known = sum(len(lines) for lines in checks.known.values())
    if known:
        print(f"  {known} known failures (the sandbox does not answer as the provider does yet; not counted below):")
    for reason, lines in checks.known.items():
        print(f"    why: {reason}")
        for line in lines:
            print(f"      {line}")
    for line in checks.fixed + checks.failed:
        print(f"  FAILED {line}")
    print(f"official-sdks: {checks.passed} passed, {len(checks.failed) + len(checks.fixed)} failed")
    return 1 if checks.failed or checks.fixed else 0


if __name__ == "__main__":
    sys.exit(main())
