from atendo.connectors.tests.fake_meta import fake_meta  # noqa: F401  (fixture)
