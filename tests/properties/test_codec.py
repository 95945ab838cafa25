"""The cache's codec: a licence read back from the cache is the licence parsed, to the last detail.

Equality of licences leaves spans out; `same_nodes` does not: every value of the same type, every
span, the fields given when each node was built.
"""

from __future__ import annotations

import os
import tempfile

from conftest import same_nodes
from hypothesis import HealthCheck, given, settings

import checker
from checker.lookup import cache

from .licence_files import licence_texts

EXAMPLES = int(os.environ.get("MODELTERMS_FUZZ_EXAMPLES", "60"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(licence_texts())
def test_a_licence_read_back_from_the_cache_is_the_licence_parsed(text: str) -> None:
    parsed = checker.parse_license(text, "generated.terms")
    with tempfile.TemporaryDirectory() as folder:
        before = os.environ.get(cache.ENV_DIR)
        os.environ[cache.ENV_DIR] = folder
        try:
            cache.cached_catalogue([("generated.terms", text)])  # parses and writes
            read = cache.cached_catalogue([("generated.terms", text)]).get(parsed.id)
        finally:
            if before is None:
                del os.environ[cache.ENV_DIR]
            else:
                os.environ[cache.ENV_DIR] = before
    assert same_nodes(read, parsed)
