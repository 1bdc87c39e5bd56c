"""Keys pressed inside the kit's widgets stay in the widget (issue 26 §3), and focus is plain to see.

In JupyterLab's notebook, a key pressed while a drop-down, a button or a check box has focus is
also a notebook shortcut: an arrow key moved to the next cell instead of changing the answer, and
Enter or B could leave a new empty cell in a graded notebook. JupyterLab (Lumino) skips its
shortcuts for a key whose target carries ``data-lm-suppress-shortcuts``. ipywidgets cannot set an
attribute, so the Ready box of every lesson and exercise carries:

- a script that, for every key pressed inside a widget in a notebook output, marks the pressed
  element with that attribute before JupyterLab sees the key (a listener on ``window`` in the
  capture phase runs before JupyterLab's own on ``document``). Keys held with Ctrl, Alt or Cmd
  (Ctrl+S saves, Ctrl+Shift+C opens the palette) are left to JupyterLab;
- a style: a thick blue focus ring on every control of a widget.

The script runs where the Ready box's output runs scripts (JupyterLab's trusted outputs, the app);
elsewhere nothing changes.
"""

from __future__ import annotations

SUPPRESS = "data-lm-suppress-shortcuts"
SCOPE = ".jp-OutputArea-output .jupyter-widgets"  # a widget drawn in a notebook output

KEYS_STYLE = """<style>
.jp-OutputArea-output .jupyter-widgets :is(select, input, textarea):focus {
  outline: 3px solid #0b57a4 !important; outline-offset: -3px;}
.jp-OutputArea-output .jupyter-widgets:is(button, .jupyter-button):focus-visible,
.jp-OutputArea-output .jupyter-widgets :is(button, .jupyter-button):focus-visible {
  outline: 3px solid #0b57a4 !important; outline-offset: 2px;}
</style>"""  # inside a drop-down's edge: its box would clip a ring drawn outside

KEYS_SCRIPT = f"""<script>
(function () {{
  if (window.__medialitKeys) {{ return; }}
  window.__medialitKeys = true;
  window.addEventListener('keydown', function (e) {{
    var t = e.target;
    if (!(t instanceof Element) || !t.closest('{SCOPE}')) {{ return; }}
    if (e.ctrlKey || e.altKey || e.metaKey) {{ t.removeAttribute('{SUPPRESS}'); }}
    else {{ t.setAttribute('{SUPPRESS}', ''); }}
  }}, true);
}})();
</script>"""

KEYS_EXTRAS = KEYS_STYLE + KEYS_SCRIPT
