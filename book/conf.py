"""Sphinx configuration of the course website (built by ``scripts/build_site.py``, ``make book``).

The build script copies this folder, the notebooks and the MathJax files into a staging folder
and runs Sphinx there, so every path below is relative to that folder. Notebooks are rendered
from their committed outputs (MyST-NB, execution off); math is typeset by a local copy of
MathJax 2.7 (from the ``jupyter-server-mathjax`` package), so the site works offline and requests
nothing outside itself.
"""

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
SITE = json.loads((HERE / "_site.json").read_text(encoding="utf-8"))  # written by build_site.py

project = "RNNs, step by step"
author = "the RNNs, step by step contributors"
copyright = "the RNNs, step by step contributors (MIT licence)"
html_title = project

extensions = ["myst_nb", "sphinx.ext.mathjax"]
exclude_patterns = ["_build", "_notebooks", "**.ipynb_checkpoints", "_site.json"]
suppress_warnings = ["mystnb.unknown_mime_type"]

# MyST-NB: render the stored outputs, never execute
nb_execution_mode = "off"
nb_output_stderr = "remove"
nb_merge_streams = True
nb_render_markdown_format = "myst"  # Markdown outputs (the quizzes) have math too
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
myst_update_mathjax = False  # MyST would write a MathJax 3 config; we serve MathJax 2

# math, offline: MathJax 2.7 from _static/mathjax (copied by build_site.py)
mathjax_path = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"
mathjax2_config = {
    "tex2jax": {
        "inlineMath": [["\\(", "\\)"]],
        "displayMath": [["\\[", "\\]"]],
        "processEscapes": True,
        "processEnvironments": True,
    },
    "TeX": {"noErrors": {"disabled": True}, "noUndefined": {"disabled": True}},
    "HTML-CSS": {
        "availableFonts": [],
        "webFont": "STIX-Web",
        "imageFont": None,
        "preferredFont": None,
        "linebreaks": {"automatic": True},
    },
    "menuSettings": {"zoom": "None"},
    "showMathMenu": False,
    "messageStyle": "none",
}

html_theme = "sphinx_book_theme"
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_js_files = ["course.js"]
html_favicon = "_static/favicon.svg"
html_copy_source = False  # the download link serves the original notebook instead
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    "repository_url": SITE["repository"],
    "repository_branch": "main",
    "path_to_docs": "notebooks",
    "use_repository_button": True,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "show_navbar_depth": 1,
    "navigation_with_keys": False,
}
html_context = {"default_mode": "light"}


def setup(app):
    # MathJax on every page, the search page included: its result snippets quote math
    app.set_html_assets_policy("always")
