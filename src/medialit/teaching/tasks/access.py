"""What the page needs for keyboard and screen-reader users, beyond what ipywidgets draws.

ipywidgets sets no ARIA state, so the Ready box of every lesson and exercise carries:

- a style: a marked word button (``medialit-word``) is dark text on orange, **bold and
  underlined**, so colour is never the only sign that it is marked; a visible focus ring; and
  ``medialit-sr-only`` text (read by screen readers, not shown), which names each drop-down (a
  label holding only such text is taken out of the layout, which would otherwise shift the list);
- a script that keeps ``aria-pressed`` on every word button equal to its marked state, and makes
  every feedback area (``medialit-live``) a polite live region, so what Check writes is read out.

The script runs wherever the Ready box's output runs scripts (JupyterLab's trusted outputs, the
app); the names of the drop-downs are in the markup itself and need no script.
"""

from __future__ import annotations

WORD_CLASS = "medialit-word"
LIVE_CLASS = "medialit-live"
SR_ONLY = "medialit-sr-only"

ACCESS_STYLE = f"""<style>
.{SR_ONLY} {{position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;}}
.widget-label:has(> .{SR_ONLY}:first-child) {{position: absolute !important; width: 1px; height: 1px;
  margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap;}}
.jupyter-widgets.{WORD_CLASS}.mod-active {{background: #f5a623; color: #1f1f1f; font-weight: bold;
  text-decoration: underline; text-decoration-thickness: 2px;}}
.jupyter-widgets.{WORD_CLASS}:focus-visible {{outline: 3px solid #0b57a4; outline-offset: 1px;}}
</style>"""

ACCESS_SCRIPT = f"""<script>
(function () {{
  if (window.__medialitAccess) {{ return; }}
  window.__medialitAccess = true;
  function fix(root) {{
    root.querySelectorAll('.{WORD_CLASS}').forEach(function (b) {{
      var pressed = b.classList.contains('mod-active') ? 'true' : 'false';
      if (b.getAttribute('aria-pressed') !== pressed) {{ b.setAttribute('aria-pressed', pressed); }}
    }});
    root.querySelectorAll('.{LIVE_CLASS}:not([aria-live])').forEach(function (el) {{
      el.setAttribute('role', 'status');
      el.setAttribute('aria-live', 'polite');
    }});
  }}
  new MutationObserver(function () {{ fix(document); }}).observe(document.body,
    {{subtree: true, childList: true, attributes: true, attributeFilter: ['class']}});
  fix(document);
}})();
</script>"""

ACCESS_EXTRAS = ACCESS_STYLE + ACCESS_SCRIPT
