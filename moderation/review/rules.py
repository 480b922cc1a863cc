"""The rules page (read-only): each category's rules, their mode, hits and overturn rate, and the last load error."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, render_template, request

from ..engine import CATEGORIES, Ruleset, RuleSetError
from ..rulebook import get_rulebook
from ..storage import decision_stats
from ..storage.outbox import delivery_counts, list_deliveries
from .blueprint import bp
from .session import moderator_required

PERIODS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30), "365d": timedelta(days=365)}
DEFAULT_PERIOD = "30d"


def _live_ruleset(site: str | None = None) -> Ruleset | None:
    """The live rules (a site's policy with `site`), or None when none could ever be loaded (the page then shows only the error)."""
    try:
        return get_rulebook().for_site(site)
    except RuleSetError:
        return None


def _site_names() -> tuple[list[str], frozenset[str]]:
    """The sites with an overlay in the live rules, and the ids of their own rules (none when no rules could be loaded)."""
    try:
        policies = get_rulebook().policies
    except RuleSetError:
        return [], frozenset()
    shared = {rule.id for rule in policies.shared.rules}
    own = frozenset(rule.id for site in policies.sites.values() for rule in site.rules if rule.id not in shared)
    return sorted(policies.sites), own


def rules_by_category(
    ruleset: Ruleset | None, stats: dict[str, Any], site_rules: frozenset[str] = frozenset()
) -> list[tuple[str, list[dict[str, Any]]]]:
    """Each category with its rules and their numbers; rules that hit but are no longer loaded are listed too.

    `site_rules`: ids of rules in force on some site only (its overlay's own rules), listed as such.
    """
    numbers = {entry["rule"]: entry for entry in stats["rules"]}
    grouped: dict[str, list[dict[str, Any]]] = {category: [] for category in CATEGORIES}
    loaded = set()
    for rule in ruleset.rules if ruleset else ():
        loaded.add(rule.id)
        found = numbers.get(rule.id, {})
        grouped.setdefault(rule.category, []).append(
            {
                "id": rule.id,
                "subcategory": rule.subcategory,
                "mode": rule.mode,
                "message": rule.message,
                "hits": found.get("hits", 0),
                "shadow_hits": found.get("shadow_hits", 0),
                "reviews": found.get("reviews", 0),
                "overturn_rate": found.get("overturn_rate"),
                "loaded": True,
            }
        )
    for rule_id, found in numbers.items():
        if rule_id not in loaded:
            message = "A site's own rule: see that site's policy." if rule_id in site_rules else "No longer in the live rules."
            grouped.setdefault(found["category"], []).append(
                {**found, "id": rule_id, "subcategory": None, "mode": "—", "message": message, "loaded": False}
            )
    return list(grouped.items())


def webhook_overview() -> dict[str, Any] | None:
    """Where webhooks go (host only: a URL may carry a token), counts per status and the latest deliveries."""
    settings = current_app.extensions.get("moderation.webhook_settings")
    if settings is None:
        return None
    engine = current_app.extensions["moderation.db"]
    latest, _ = list_deliveries(engine, limit=10)
    return {"host": urlsplit(settings.url).netloc, "counts": delivery_counts(engine), "latest": latest}


@bp.route("/rules", endpoint="rules")
@moderator_required
def rules_page() -> str:
    """The rules page."""
    period = request.args.get("period", DEFAULT_PERIOD)
    if period not in PERIODS:
        period = DEFAULT_PERIOD
    sites, site_rules = _site_names()
    # A site's page shows the rules in force there and counts only that site's comments.
    site = request.args.get("site") or None
    if site not in sites:
        site = None
    until = datetime.now(UTC)
    stats = decision_stats(until - PERIODS[period], until + timedelta(minutes=1), site=site)
    rulebook = get_rulebook()
    ruleset = _live_ruleset(site)
    return render_template(
        "review/rules.html",
        ruleset=ruleset,
        groups=rules_by_category(ruleset, stats, frozenset() if site else site_rules),
        failure=rulebook.failure,
        loaded_at=rulebook.loaded_at,
        period=period,
        periods=list(PERIODS),
        webhooks=webhook_overview(),
        site=site,
        sites=sites,
    )
