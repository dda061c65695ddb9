"""Sphinx configuration of the sknn documentation.

Build with ``python -m sphinx -W --keep-going -b html docs docs/_build/html``
(the gallery in ``../examples`` is executed), then check that the math renders with
``python docs/check_render.py docs/_build/html``. Nothing here needs the network,
and neither do the pages built: MathJax is served from the site itself. With
``SKNN_DOCS_ONLINE=1`` the intersphinx inventories are fetched from the web instead
of read from ``_inventories`` (see below).
"""

import os
import sys
from pathlib import Path

import matplotlib
from threadpoolctl import threadpool_limits

matplotlib.use("Agg")

import sknn  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent / "sphinxext"))

# The gallery trains small models on the digits data, whose matrix products are
# far too small to gain from BLAS threads; on a busy machine the threads only
# contend for the cores (measured: ten times slower and more). One thread each.
threadpool_limits(limits=1, user_api="blas")

project = "sknn"
author = "The sknn developers"
copyright = "The sknn developers"
release = sknn.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    # MathJax 3.2.2 itself (its es5/ folder, the files that the CDN serves), copied
    # into _static/mathjax: the formulas render with no network, offline reading
    # included. Formulas are typeset in the browser as with the CDN, so every TeX
    # construct that rendered before still does.
    "sphinx-mathjax-offline",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
root_doc = "index"

# -- autodoc / autosummary / numpydoc -------------------------------------------
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"
numpydoc_show_class_members = False  # the class template lists the methods itself
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = False
numpydoc_xref_param_type = False
# The right-hand "On this page" lists a class's methods as ``fit()``, not
# ``MLPClassifierGD.fit()``, which the narrow column cut off.
toc_object_entries_show_parents = "hide"

# -- intersphinx -----------------------------------------------------------------
# Names of Python, SciPy and scikit-learn objects link to their documentation.
# Neither CI nor a reader offline can fetch inventories, so these three are shipped
# in _inventories/ (from Debian's documentation packages; README.md there says
# which and how to refresh them), and their links point to the documentation of the
# versions they describe, so that every link target exists. NumPy and matplotlib
# have no such package: their names stay plain text offline. A build with a network
# can set SKNN_DOCS_ONLINE=1 to fetch the current inventories of all five and link
# to the current documentation (URLs as listed by the intersphinx-registry package).
if os.environ.get("SKNN_DOCS_ONLINE") == "1":
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3/", None),
        "numpy": ("https://numpy.org/doc/stable/", None),
        "scipy": ("https://docs.scipy.org/doc/scipy/", None),
        "sklearn": ("https://scikit-learn.org/stable/", None),
        "matplotlib": ("https://matplotlib.org/stable/", None),
    }
else:
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3.11/", "_inventories/python-3.11.inv"),
        "scipy": ("https://docs.scipy.org/doc/scipy-1.10.1/", "_inventories/scipy-1.10.1.inv"),
        "sklearn": ("https://scikit-learn.org/1.4/", "_inventories/scikit-learn-1.4.2.inv"),
    }

# -- sphinx-gallery --------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": ["../examples"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    "plot_gallery": "True",
    "matplotlib_animations": False,
    # Links from the examples' code to the API pages (and, through intersphinx, to
    # scikit-learn's), and the "Examples using ..." mini-galleries that the class
    # and function templates place on each API page (``.. minigallery::``).
    "doc_module": ("sknn",),
    "backreferences_dir": "generated/backreferences",
    # An example that warns fails the build (see sphinxext/gallery_warnings.py);
    # matplotlib is reset before and after each example.
    "reset_modules": ("matplotlib", "gallery_warnings.warnings_as_errors"),
    "reset_modules_order": "both",
    "show_memory": False,
    "min_reported_time": 1,
    # No sg_execution_times pages: they load DataTables and jQuery from CDNs. An
    # example that runs for min_reported_time seconds or more still states its
    # running time on its own page.
    "write_computation_times": False,
}

# -- HTML ------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"sknn {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": [],
}
html_static_path = ["_static"]
html_css_files = ["sknn.css"]  # long inherited type names may break (API pages)
html_show_sourcelink = False


# -- docstrings inherited from scikit-learn --------------------------------------
# The estimators inherit ``score``, ``get_params``, ``set_params`` and the metadata
# request methods from scikit-learn, whose docstrings cross-reference labels and
# glossary terms of scikit-learn's own documentation (":ref:`User Guide
# <metadata_routing>`"). On an sknn page such a reference must say whose guide it
# is, and must link into scikit-learn's documentation, not sknn's: each becomes an
# explicit ``:external+sklearn:`` reference, and "User Guide" becomes "scikit-learn's
# User Guide". A label or term that the scikit-learn inventory in use lacks (the
# shipped one is older than the installed scikit-learn) becomes its plain text: an
# unresolved reference is a warning, which -W turns into a failed build.
import re  # noqa: E402

from sphinx.ext.intersphinx import InventoryAdapter  # noqa: E402

_SKLEARN_ROLE = re.compile(r"(\bthe )?:(ref|term):`([^`<]*?)\s*(?:<([^>`]*)>)?`")
_INVENTORY_TYPE = {"ref": "std:label", "term": "std:term"}


def _sklearn_references(app, what, name, obj, options, lines):
    module = getattr(obj, "__module__", None) or ""
    if not module.startswith("sklearn"):
        return
    # {"std:label": {label: ...}, "std:term": {term: ...}, ...}; empty without one.
    inventory = InventoryAdapter(app.env).named_inventory.get("sklearn", {})

    def rewrite(match):
        article, role, text, target = match.groups(default="")
        target = target or text
        if text == "User Guide":
            article, text = "", "scikit-learn's User Guide"
        if target.lower() in inventory.get(_INVENTORY_TYPE[role], {}):
            return f"{article}:external+sklearn:{role}:`{text} <{target}>`"
        return article + text

    for index, line in enumerate(lines):
        lines[index] = _SKLEARN_ROLE.sub(rewrite, line)


def setup(app):
    app.connect("autodoc-process-docstring", _sklearn_references)
