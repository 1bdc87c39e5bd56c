"""What the Ready box of a lesson or exercise adds to the JupyterLab page around the notebook.

- Output tables read left to right: JupyterLab right-aligns the cells of output tables and
  centres them vertically, which leaves text tables ragged (the label scheme sets its own style).
- After **Run All**, JupyterLab leaves the notebook scrolled to its last cell. A script brings the
  student back to the top and says so. It watches the notebook toolbar's execution progress
  during the run that drew the Ready box: when the progress has passed through values between
  0 and 100 % (more cells were queued after this one) and reaches 100 %, the run is over. A cell
  run on its own (progress 0, then 100) moves nothing, and neither does any later run.

The script runs only where the output is trusted (made in this session) and only in JupyterLab's
notebook (it needs ``.jp-NotebookPanel``); anywhere else it does nothing. The notice stays hidden
unless the script runs.
"""

from __future__ import annotations

from medialit.teaching.tasks.access import ACCESS_EXTRAS
from medialit.teaching.tasks.keys import KEYS_EXTRAS

RAN_ALL_CLASS = "medialit-ran-all"

TABLE_STYLE = """<style>
.jp-Notebook:has(.medialit-ran-all) .jp-OutputArea-output table.dataframe :is(th, td) {
  text-align: left; vertical-align: top;}
</style>"""

RAN_ALL_NOTE = (
    f'<div class="medialit-summary {RAN_ALL_CLASS}" hidden><b>Every cell has run.</b> '
    "You are back at the top: start reading here and work down.</div>"
)

BACK_TO_TOP = """<script>
(function (note) {
  var panel = note && note.closest('.jp-NotebookPanel');
  var cell = note && note.closest('.jp-Cell');
  var indicator = panel && panel.querySelector('.jp-Notebook-ExecutionIndicator');
  if (!cell || !indicator) { return; }
  var queued = false;
  var observer = new MutationObserver(check);
  function check() {
    var bar = indicator.querySelector('[role="progressbar"]');
    var done = bar ? Number(bar.getAttribute('aria-valuenow')) : NaN;
    if (done > 0 && done < 100) { queued = true; }
    if (!(done >= 100)) { return; }
    observer.disconnect();  // this run is over; later runs are another Ready box's business
    if (!queued || !note.isConnected) { return; }
    note.hidden = false;
    var scroller = cell.parentElement;
    while (scroller && !(scroller.scrollHeight > scroller.clientHeight &&
                         /auto|scroll/.test(getComputedStyle(scroller).overflowY))) {
      scroller = scroller.parentElement;
    }
    if (scroller) { scroller.scrollTop = 0; }
  }
  observer.observe(indicator, {attributes: true, childList: true, subtree: true});
  setTimeout(function () { observer.disconnect(); }, 60 * 60 * 1000);
  check();
})(document.currentScript && document.currentScript.previousElementSibling);
</script>"""

PAGE_EXTRAS = (
    TABLE_STYLE + RAN_ALL_NOTE + BACK_TO_TOP + ACCESS_EXTRAS + KEYS_EXTRAS
)  # teaching/tasks/access.py, keys.py
