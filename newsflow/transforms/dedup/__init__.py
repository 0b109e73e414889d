"""Dedup: each story once, its copies linked (never deleted), its edits kept.

Layers, cheapest first:

1. **Canonical URL** (`newsflow.extractors.urls`): tracking parameters, fragments, AMP paths
   and `www.`/`m.`/`amp.` hosts fold into one `article_id`; `rel=canonical`/`og:url` is honoured
   on the same site.
2. **Feed entries** (`feed.plan_fetches`): an entry whose source GUID or article id is stored is
   not fetched again, except as an update check while the article is young (24 h by default).
3. **Exact copies**: the BLAKE2b hash of the normalised text (NFKC, casefolded, punctuation and
   spacing removed; a batch at a time in numpy) → `duplicate_kind = 'exact'`,
   `similarity = 1.0`.
4. **Near copies**: MinHash (rensa R-MinHash, 128 slots of 32 bits) of 3-word shingles, the
   words hashed in numpy, banded LSH (32 bands of 4 rows) in numpy; a link needs an estimated
   Jaccard >= 0.5 and agreeing facts: the same protagonists (names mentioned more than once),
   >= 80 % of the numbers and 60 % of the names of the side with fewer (85 % of the names
   when a side gives < 2 numbers, all of them when only one side gives numbers, and a lone
   number must be shared) -> `duplicate_kind = 'near'`. A copy matching two clusters merges
   them (`Deduplicator.merges()`).
5. **Story clusters**: a copy joins its original's cluster; another article joins a cluster
   when exactly one cluster fits (one that fits two stays on its own). A cluster fits when
   earlier members within 48 h tell the same event (`same_event`: alike names and numbers; the
   side with fewer facts has all its leading names and its most frequent one in the other,
   names someone twice or shares a telling number, and no conflicting number), one of them
   shares a telling number with the article or two of them agree, some member names the
   article's headline subject, and the article also tells the event of the cluster's first
   article (or two members agree). A cluster is named by its first article.
6. **Versions** (`revisions.detect_revision`): a known URL fetched again with another text.

Wiring (the flow does this; storage is `newsflow.warehouse.dedup`)::

    state = warehouse.dedup.load_state(connection, since=now - config.window)
    dedup = Deduplicator.from_state(state, config)      # rebuilds the LSH from signatures
    # (results signed by an older scheme count for exact copies and clusters, not near copies)
    results = dedup.assign(articles)                    # list[DedupResult], input order
    warehouse.dedup.save_results(connection, results)   # in the load's transaction

    plan = plan_fetches(entries, warehouse.dedup.seen_entries(connection, entries), now)
    # fetch plan.new as usual; fetch plan.updates again, then for each refetched article:
    revision = detect_revision(stored_article, refetched_article)   # None when unchanged
    warehouse.dedup.save_revisions(connection, [revision, ...], previous={id: stored_article})

`assign` is deterministic and idempotent: an article id it already knows gets its stored
result back, so re-running an ingest or a backfill links nothing new.
"""

from newsflow.transforms.dedup.engine import (
    EXACT,
    NEAR,
    DedupConfig,
    Deduplicator,
    DedupResult,
    DedupState,
    event_time,
    facts_agree,
)
from newsflow.transforms.dedup.feed import FetchPlan, SeenEntry, entry_id, plan_fetches
from newsflow.transforms.dedup.minhash import Scheme, SignatureIndex
from newsflow.transforms.dedup.revisions import Revision, detect_revision, version_hash

__all__ = [
    "EXACT",
    "NEAR",
    "DedupConfig",
    "DedupResult",
    "DedupState",
    "Deduplicator",
    "FetchPlan",
    "Revision",
    "Scheme",
    "SeenEntry",
    "SignatureIndex",
    "detect_revision",
    "entry_id",
    "event_time",
    "facts_agree",
    "plan_fetches",
    "version_hash",
]
