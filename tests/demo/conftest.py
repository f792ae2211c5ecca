"""The demo municipality, loaded once per test module (loading takes a few
seconds) in a transaction rolled back at the module's end; each test runs in
its own savepoint (the `db` fixture), so what one test changes the next does
not see."""

import pytest
from django.db import transaction

from styrhjul.core.concurrency import one_action
from styrhjul.demo.services import load_demo


@pytest.fixture(scope="module")
def demo_copy_until():
    """The year the demo's model is carried forward to, as `styrhjul
    load-demo` does; None keeps it in the demo's own year."""
    return None


@pytest.fixture(scope="module")
def loaded_once(django_db_setup, django_db_blocker, demo_copy_until):
    """The demo's summary, loaded once for the module."""
    with django_db_blocker.unblock(), one_action():
        yield load_demo(copy_until=demo_copy_until)
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded_once, db):
    return loaded_once
