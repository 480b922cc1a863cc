"""/v1/webhooks/deliveries: the webhook outbox, newest first, for admins checking that the site hears of reviews."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates

from ..storage.outbox import list_deliveries
from ..storage.tables import DELIVERY_STATUSES
from ..web.auth import require_role
from . import BEARER, Blueprint

blp = Blueprint("webhooks", __name__, url_prefix="/v1/webhooks", description="Webhook deliveries: sent and waiting.")

MAX_PAGE = 200
_CURSOR_PREFIX = "d"


def encode_delivery_cursor(delivery_id: int) -> str:
    """An opaque cursor continuing after a delivery id."""
    return f"{_CURSOR_PREFIX}{delivery_id}"


def decode_delivery_cursor(cursor: str) -> int:
    """The delivery id a cursor continues after (ValueError for anything this API did not hand out)."""
    digits = cursor[len(_CURSOR_PREFIX) :]
    if not cursor.startswith(_CURSOR_PREFIX) or not digits.isascii() or not digits.isdigit() or len(digits) > 18:
        raise ValueError("not a cursor from this API; pass next_cursor from the previous page")
    return int(digits)


class DeliveryQuerySchema(Schema):
    """A page of deliveries, optionally of one status."""

    status = fields.String(validate=validate.OneOf(DELIVERY_STATUSES), metadata={"description": "pending, delivered or failed (given up)."})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE), metadata={"description": "Page size."})
    cursor = fields.String(validate=validate.Length(max=40), metadata={"description": "next_cursor of the previous page."})

    @validates("cursor")
    def _cursor(self, value: str, **kwargs: Any) -> None:
        try:
            decode_delivery_cursor(value)
        except ValueError as error:
            raise ValidationError(str(error)) from None


class DeliverySchema(Schema):
    """One webhook delivery: the event sent (payload), its state and its last attempt."""

    id = fields.Integer(metadata={"description": "Also sent as the X-Moderation-Delivery header: receivers use it to ignore repeats."})
    event = fields.String(metadata={"example": "decision.reviewed"})
    decision_id = fields.String()
    site = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "pending (waiting or being retried), delivered, or failed (given up after a day)."})
    sending = fields.Boolean(metadata={"description": "A sender holds it right now."})
    attempts = fields.Integer()
    created_at = fields.DateTime()
    next_attempt_at = fields.DateTime(metadata={"description": "When a pending delivery is tried next."})
    last_attempt_at = fields.DateTime(allow_none=True)
    last_status = fields.Integer(allow_none=True, metadata={"description": "HTTP status of the last attempt; null when unreachable."})
    last_error = fields.String(allow_none=True)
    delivered_at = fields.DateTime(allow_none=True)
    payload = fields.Dict(metadata={"description": "The JSON body, exactly as sent and signed."})


class DeliveryPageSchema(Schema):
    """A page of deliveries, newest first."""

    items = fields.List(fields.Nested(DeliverySchema))
    next_cursor = fields.String(allow_none=True, metadata={"description": "Pass as cursor for the next page; null on the last."})


@blp.route("/deliveries")
class Deliveries(MethodView):
    """The webhook outbox."""

    @blp.doc(security=BEARER)
    @require_role("admin")
    @blp.arguments(DeliveryQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, DeliveryPageSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List webhook deliveries newest first, with their state and last attempt (role: admin)."""
        before = decode_delivery_cursor(args["cursor"]) if args.get("cursor") else None
        items, last = list_deliveries(
            current_app.extensions["moderation.db"], status=args.get("status"), limit=args["limit"], before=before
        )
        return {"items": items, "next_cursor": encode_delivery_cursor(last) if last is not None else None}
