from atendo.connectors.tests.dovecot import dovecot  # noqa: F401  (fixture)
from atendo.connectors.tests.fake_meta import fake_meta  # noqa: F401  (fixture)
from atendo.connectors.tests.fake_telegram import fake_telegram  # noqa: F401  (fixture)
