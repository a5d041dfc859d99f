from lcv.cases.tests.conftest import chain, delivery_day  # noqa: F401  (the same chain of partners as case handling)
