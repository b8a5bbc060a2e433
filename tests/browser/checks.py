"""What the browser tests measure in a page: overflow, axe-core results, keyboard focus."""

from dataclasses import dataclass

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

AXE = Axe()
# Every rule axe runs by default (WCAG 2.0-2.2 A and AA plus best practices). Embedded video
# frames are stubs in these tests, so axe does not descend into frames (their titles are still
# checked on our side of the frame).
AXE_OPTIONS = {"resultTypes": ["violations"], "iframes": False}
BLOCKING_IMPACTS = {"serious", "critical"}


def horizontal_overflow(page: Page) -> dict:
    """How far the page scrolls sideways, and which elements stick out past the viewport."""
    return page.evaluate(
        """() => {
          const root = document.documentElement;
          const width = root.clientWidth;
          const culprits = [];
          for (const element of document.body.querySelectorAll("*")) {
            const box = element.getBoundingClientRect();
            if (box.width && box.right > width + 0.5) {
              const name = element.tagName.toLowerCase()
                + (element.id ? "#" + element.id : "")
                + (element.className && typeof element.className === "string"
                   ? "." + element.className.trim().split(/\\s+/).join(".") : "");
              culprits.push(name + " right=" + Math.round(box.right));
            }
          }
          return {scrollWidth: root.scrollWidth, clientWidth: width,
                  culprits: culprits.slice(0, 10)};
        }"""
    )


def axe_violations(page: Page) -> list[dict]:
    return AXE.run(page, options=AXE_OPTIONS).response["violations"]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
    return "\n".join(lines)


# Marks every element a keyboard user should be able to reach and records how it looks
# unfocused. Hidden elements (closed <details>, display:none) and disabled controls are not
# expected to be reachable.
MARK_FOCUSABLE = r"""() => {
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary, "
    + "iframe, [tabindex]:not([tabindex='-1']), [contenteditable=true]";
  const rgb = (colour) => (colour.match(/[\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const [R, G, B] = [r, g, b].map((v) => {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  // The colour an outline drawn just outside the element sits on.
  const backdrop = (element) => {
    for (let node = element.parentElement; node; node = node.parentElement) {
      const [r, g, b, a] = rgb(getComputedStyle(node).backgroundColor);
      if (a === undefined || a > 0) return [r, g, b];
    }
    return [255, 255, 255];
  };
  const style = (element) => {
    const s = getComputedStyle(element);
    const [light, dark] = [luminance(rgb(s.outlineColor)), luminance(backdrop(element))]
      .sort((a, b) => b - a);
    return {outline: s.outlineStyle + " " + s.outlineWidth + " " + s.outlineColor,
            outlineWidth: parseFloat(s.outlineWidth) || 0, outlineStyle: s.outlineStyle,
            outlineContrast: (light + 0.05) / (dark + 0.05),
            boxShadow: s.boxShadow, background: s.backgroundColor, color: s.color,
            textDecoration: s.textDecorationLine + " " + s.textDecorationThickness};
  };
  const marked = [];
  document.querySelectorAll(selector).forEach((element) => {
    if (element.disabled || element.closest("[inert]")) return;
    if (!element.checkVisibility({visibilityProperty: true, opacityProperty: false})) return;
    element.dataset.kbd = String(marked.length);
    marked.push({index: marked.length, name: element.outerHTML.slice(0, 120),
                 unfocused: style(element)});
  });
  window.__kbdStyle = style;
  return marked;
}"""

FOCUSED = """() => {
  let element = document.activeElement;
  if (!element || element === document.body) return null;
  const s = window.__kbdStyle(element);
  const box = element.getBoundingClientRect();
  return {index: element.dataset.kbd === undefined ? null : Number(element.dataset.kbd),
          name: element.outerHTML.slice(0, 120), focused: s,
          focusVisible: element.matches(":focus-visible"),
          onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
            && box.top < innerHeight && box.left < innerWidth};
}"""


@dataclass
class KeyboardWalk:
    expected: list[dict]
    reached: dict[int, dict]
    presses: int

    @property
    def unreached(self) -> list[str]:
        return [item["name"] for item in self.expected if item["index"] not in self.reached]

    @property
    def without_indicator(self) -> list[str]:
        """Focused elements that looked the same as when unfocused (or were off screen)."""
        missing = []
        for item in self.expected:
            seen = self.reached.get(item["index"])
            if seen is None:
                continue
            if seen["name"].startswith("<iframe"):
                continue  # focus is inside the embedded player, which draws its own ring
            if not (seen["onScreen"] and shows_focus(item["unfocused"], seen["focused"])):
                missing.append(seen["name"])
        return missing


def shows_focus(unfocused: dict, focused: dict) -> bool:
    """A visible indicator: an outline of at least 2px with a contrast of 3:1 against what it
    is drawn on (WCAG 1.4.11), or a changed box shadow."""
    outline = (
        focused["outlineStyle"] != "none"
        and focused["outlineWidth"] >= 2
        and focused["outlineContrast"] >= 3
    )
    outline_changed = focused["outline"] != unfocused["outline"]
    shadow = focused["boxShadow"] != "none" and focused["boxShadow"] != unfocused["boxShadow"]
    return (outline and outline_changed) or shadow


def load_frames(page: Page) -> None:
    """Load every embedded frame (the players are lazy: they load when scrolled near), then go
    back to the top: Tab no longer races a frame that starts loading as focus reaches it."""
    for frame in page.locator("iframe").all():
        frame.scroll_into_view_if_needed()
        frame.content_frame.locator("body").wait_for()
    page.evaluate("() => window.scrollTo(0, 0)")


def focus_settled(page: Page, timeout_ms: int = 500) -> dict | None:
    """The focused element once focus has landed, or None if it stays off the page. Focus that
    Tab moves into a player from another site (a frame of its own process) reaches the page a
    moment later: read at once, the page showed nothing focused, and under load the next Tab had
    left the player before it was seen (a rare failure of the keyboard walk)."""
    try:
        page.wait_for_function(
            "() => document.activeElement && document.activeElement !== document.body",
            timeout=timeout_ms,
        )
    except PlaywrightTimeoutError:
        return None
    return page.evaluate(FOCUSED)


def walk_with_tab(page: Page, limit: int = 600) -> KeyboardWalk:
    """Press Tab from the top of the page until focus leaves the document or comes back round."""
    load_frames(page)
    expected = page.evaluate(MARK_FOCUSABLE)
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
    reached: dict[int, dict] = {}
    presses = 0
    previous = None
    while presses < min(limit, 3 * len(expected) + 10):
        presses += 1
        page.keyboard.press("Tab")
        seen = page.evaluate(FOCUSED) or focus_settled(page)
        if seen is None:
            continue  # on the browser's own UI, or between frames; the next Tab comes back
        index = seen["index"]
        if index is None or index == previous:
            continue  # e.g. Tab between the day, month and year of a date input
        if index in reached:
            break  # wrapped round
        reached[index] = seen
        previous = index
    return KeyboardWalk(expected, reached, presses)
