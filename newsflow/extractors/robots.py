"""robots.txt for article pages (RFC 9309), parsed with protego."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego


@dataclass(frozen=True)
class RobotsRules:
    """What one host's robots.txt allows; `reason` explains a blanket decision."""

    parser: Protego | None  # None: a blanket rule, see `allow_all`
    allow_all: bool = True
    reason: str | None = None

    def allows(self, url: str, agent: str) -> bool:
        """May `agent` fetch `url`?"""
        if self.parser is None:
            return self.allow_all
        return bool(self.parser.can_fetch(url, agent))

    def crawl_delay(self, agent: str) -> float | None:
        """The Crawl-delay the host asks of `agent`, in seconds."""
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(agent)
        return float(delay) if delay is not None else None


def robots_url(url: str) -> str:
    """The robots.txt URL of a page's origin."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def origin(url: str) -> str:
    """scheme://host[:port] of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def rules_from_response(status: int | None, body: bytes) -> RobotsRules:
    """RFC 9309: a 2xx body is parsed; 4xx means no rules; a 5xx or no answer means the host
    is unreachable and nothing may be fetched (until it answers)."""
    if status is not None and 200 <= status < 300:
        text = body.decode("utf-8", errors="replace")
        return RobotsRules(Protego.parse(text))
    if status is not None and 400 <= status < 500:
        return RobotsRules(None, allow_all=True, reason=f"robots.txt answered {status}")
    why = f"robots.txt answered {status}" if status else "robots.txt unreachable"
    return RobotsRules(None, allow_all=False, reason=why)


def agent_token(user_agent: str) -> str:
    """The product token robots.txt groups are matched against ('newsflow/0.1 (…)' → 'newsflow')."""
    return user_agent.split("/")[0].split()[0] if user_agent.strip() else "*"
