import pytest

from atendo.connectors.tests.dovecot import dovecot  # noqa: F401  (fixture)
from atendo.connectors.tests.fake_meta import fake_meta  # noqa: F401  (fixture)
from atendo.connectors.tests.fake_telegram import fake_telegram  # noqa: F401  (fixture)
from atendo.connectors.tests.fast_path import webhook_api


@pytest.fixture
def anon():  # type: ignore[no-untyped-def]
    """Anonymous requests meet the webhook fast path first, as in production: webhook tests
    exercise the path providers hit (`response.fast_path` says which one answered)."""
    return webhook_api()
