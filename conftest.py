"""Repository-wide pytest set-up: fixtures every app's tests may use.

The browser fixtures (``browser``, ``page``, ``mobile_page``, ``screenshot``) live in a plugin inside the
package so that tests anywhere in src/tongban/*/tests and tests/ can use them; docs/adr/0002-testing.md
describes them.
"""

pytest_plugins = ["tongban.core.testing.browser"]
