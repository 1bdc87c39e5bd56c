"""medialit: a Jupyter kit that teaches media literacy.

Importing this package is cheap: JupyterLab, nbgrader and ipywidgets are only
imported by the submodules that need them.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
