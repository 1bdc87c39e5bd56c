"""The accessibility audit: axe-core (through axe-playwright-python) on a page, the kit's own markup
told apart from JupyterLab's or Voila's chrome, and the results saved under artifacts/accessibility/.

A violating node is the kit's when it sits inside what the kit writes (a lesson's markdown or a
widget's output; the whole page for the kit's own pages: the app's index, feedback pages and the
class report), and the chrome's otherwise (Lab's toolbars and menus, Voila's page frame). The kit's
serious and critical violations fail a test, and so do the kit's violations of the rules it has fixed
(FIXED_RULES, whatever their impact); the chrome's are saved and never fail.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from .jlab import ROOT

ARTIFACTS = ROOT / "artifacts" / "accessibility"
# WCAG 2.1 A and AA, and axe's best practices (heading order, landmarks, ...)
OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
}
KIT_IN_NOTEBOOK = ".jp-RenderedMarkdown, .jp-OutputArea-output"
BLOCKING = ("serious", "critical")
# Moderate or minor rules the kit's markup passes (issue 15): a violation in the kit's markup fails too
FIXED_RULES = {"heading-order", "empty-table-header"}
# Rules about the page's frame (landmarks, skip links, the page's h1): Lab's or Voila's, when the kit is a part
PAGE_RULES = {"region", "landmark-one-main", "page-has-heading-one", "bypass", "landmark-unique"}
OWNER = """([selector, kit]) => {
  const el = document.querySelector(selector);
  if (!el) { return 'chrome'; }
  return (kit === null || el.closest(kit)) ? 'kit' : 'chrome';
}"""


@dataclass
class Audit:
    """One page's violations: rule id -> impact, help and the nodes, split into the kit's and the chrome's."""

    name: str
    kit: dict[str, dict[str, Any]] = field(default_factory=dict)
    chrome: dict[str, dict[str, Any]] = field(default_factory=dict)

    def blocking(self) -> list[str]:
        """The kit's serious and critical violations and those of FIXED_RULES, one line each (rule, impact,
        count, first node)."""
        return [
            f"{rule} ({v['impact']}, {len(v['nodes'])} nodes: {v['help']}), e.g. {v['nodes'][0]['html'][:160]}"
            for rule, v in sorted(self.kit.items())
            if v["impact"] in BLOCKING or rule in FIXED_RULES
        ]

    def counts(self) -> dict[str, dict[str, int]]:
        return {
            part: {rule: len(v["nodes"]) for rule, v in sorted(found.items())}
            for part, found in (("kit", self.kit), ("chrome", self.chrome))
        }


def audit(page: Page, name: str, kit: str | None = KIT_IN_NOTEBOOK) -> Audit:
    """Run axe on ``page``; ``kit``: the selector of the kit's markup (None: the whole page is the kit's)."""
    response = Axe().run(page, options=OPTIONS).response
    result = Audit(name)
    for violation in response["violations"]:
        for node in violation["nodes"]:
            target = node["target"][0] if node["target"] else "html"
            selector = target if isinstance(target, str) else target[0]
            owner = "chrome" if kit and violation["id"] in PAGE_RULES else page.evaluate(OWNER, [selector, kit])
            part = result.kit if owner == "kit" else result.chrome
            entry = part.setdefault(
                violation["id"], {"impact": violation["impact"], "help": violation["help"], "nodes": []}
            )
            entry["nodes"].append(
                {"target": node["target"], "html": node["html"], "summary": node.get("failureSummary")}
            )
    save(result, response)
    return result


def save(result: Audit, response: dict[str, Any]) -> Path:
    """artifacts/accessibility/NAME.json: the split, and axe's own violations list."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{result.name}.json"
    data = {
        "page": result.name,
        "url": response.get("url"),
        "axe": response.get("testEngine", {}).get("version"),
        "counts": result.counts(),
        "kit": result.kit,
        "chrome": result.chrome,
    }
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    return path
