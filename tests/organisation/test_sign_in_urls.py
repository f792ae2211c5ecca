"""The sign-in URLs a test mounts (tests/saml_urls.py, tests/oidc_urls.py)
stay with that test: a process whose first URL is resolved through one of
them, with the sign-in turned on, still has no /saml2/ or /oidc/ in the
product's own URLs afterwards. Run in a fresh process, where the import
order is known: the first use of the product's URLs is the sign-in test's."""

import os
import subprocess
import sys
import textwrap

import pytest

# argv[1]: which sign-in test comes first ("saml" or "oidc"); then a test without.
SIGN_IN_TESTS_THEN_ONE_WITHOUT = textwrap.dedent(
    """
    import sys
    import django
    django.setup()
    from django.test.utils import override_settings
    from django.urls import Resolver404, resolve
    from tests import saml_idp

    def saml_test():
        with override_settings(ROOT_URLCONF="tests.saml_urls", **saml_idp.SP_SETTINGS):
            assert resolve("/saml2/login/").url_name == "saml2_login"

    def oidc_test():
        with override_settings(ROOT_URLCONF="tests.oidc_urls", OIDC_ENABLED=True):
            assert resolve("/oidc/authenticate/").url_name == "oidc_authentication_init"

    order = [saml_test, oidc_test] if sys.argv[1] == "saml" else [oidc_test, saml_test]
    for test in order:
        test()
    for path in ("/saml2/login/", "/oidc/authenticate/"):
        try:
            resolve(path)
        except Resolver404:
            continue
        raise SystemExit(f"{path} is still mounted")
    print("ok")
    """
)


@pytest.mark.parametrize("first", ["saml", "oidc"])
def test_a_sign_in_test_run_first_leaves_no_sign_in_urls_behind(first):
    result = subprocess.run(
        [sys.executable, "-c", SIGN_IN_TESTS_THEN_ONE_WITHOUT, first],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "STYRHJUL_ENV_FILE": ""},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert result.stdout.strip() == "ok"
