"""Sphinx configuration of the sknn documentation.

Build with ``python -m sphinx -W --keep-going -b html docs docs/_build/html``
(the gallery in ``../examples`` is executed). Nothing here needs the network.
"""

import matplotlib
from threadpoolctl import threadpool_limits

matplotlib.use("Agg")

import sknn  # noqa: E402

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
    "sphinx.ext.mathjax",
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
# No intersphinx: the build must work offline. References to scikit-learn in
# "See Also" sections are left as plain text.
numpydoc_xref_param_type = False

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
    "reference_url": {"sknn": None},
    "doc_module": ("sknn",),
    "backreferences_dir": None,
    "show_memory": False,
    "min_reported_time": 1,
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
html_static_path = []
html_show_sourcelink = False


# -- docstrings inherited from scikit-learn --------------------------------------
# The estimators inherit ``score``, ``get_params``, ``set_params`` and the metadata
# request methods from scikit-learn, whose docstrings cross-reference labels and
# glossary terms of scikit-learn's own documentation. Without intersphinx (the
# build must work offline) those references cannot resolve, so they are turned
# into their plain text.
import re  # noqa: E402

_SKLEARN_ROLE = re.compile(r":(?:ref|term):`([^`<]*?)\s*(?:<([^>`]*)>)?`")


def _plain_sklearn_references(app, what, name, obj, options, lines):
    module = getattr(obj, "__module__", None) or ""
    if not module.startswith("sklearn"):
        return
    for index, line in enumerate(lines):
        lines[index] = _SKLEARN_ROLE.sub(lambda match: match.group(1) or match.group(2), line)


def setup(app):
    app.connect("autodoc-process-docstring", _plain_sklearn_references)
