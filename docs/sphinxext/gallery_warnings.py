"""Make every warning that a gallery example would print an error.

sphinx-gallery runs each example in the Sphinx process and prints the warnings it
raises into the example's output, where a reader sees them; the build itself still
passes. ``docs/conf.py`` lists :func:`warnings_as_errors` in the gallery's
``reset_modules`` with ``reset_modules_order = "both"``, so that it is called before
and after each example. Before, it turns each warning filter that would show a
warning into one that raises it (and so does the default for a warning that no
filter matches); a raised warning fails the example, and sphinx-gallery fails the
build on a failing example. Warnings that the filters in force hide stay hidden
(Python hides ``DeprecationWarning`` raised outside ``__main__``, for example), and
an example may still silence a warning it expects, with
``warnings.catch_warnings()``. After, the filters are restored, so the rest of the
build is unaffected.
"""

import warnings

_SHOWN = ("default", "always", "module", "once")
_active = None  # the catch_warnings context of the example being run


def warnings_as_errors(gallery_conf, fname, when):
    """Raise the warnings of the example ``fname`` (``when="before"``); restore after."""
    global _active
    if when == "before" and _active is None:
        _active = warnings.catch_warnings()  # saves the filters, restores them on exit
        _active.__enter__()
        warnings.filters[:] = [
            ("error", *rule[1:]) if rule[0] in _SHOWN else rule for rule in warnings.filters
        ]
        # A warning that no filter matches would be shown: raise it. (Adding a filter
        # through the public function also clears the warnings' "already shown" caches.)
        warnings.simplefilter("error", append=True)
    elif when == "after" and _active is not None:
        _active.__exit__(None, None, None)
        _active = None
