"""Strict CSV reading: every problem is reported with its line, column and value.

A file-level problem (empty file, byte-order mark, wrong delimiter, missing column, bad
encoding, broken quoting) raises `FileFormatError`. A cell-level problem is collected on the
`Row` by its typed accessors, so one pass reports every bad cell of every row.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlsplit

BOMS = {
    b"\xef\xbb\xbf": "UTF-8",
    b"\xff\xfe": "UTF-16 (little-endian)",
    b"\xfe\xff": "UTF-16 (big-endian)",
}
OTHER_DELIMITERS = {";": "semicolon", "\t": "tab", "|": "pipe"}
TRUE_WORDS = {"yes", "y", "true", "t", "1"}
FALSE_WORDS = {"no", "n", "false", "f", "0"}
INTEGRAL_FLOAT = re.compile(r"^[+-]?\d+(?:\.0*)?$")


class FileFormatError(Exception):
    """The file as a whole cannot be read."""

    def __init__(self, message: str, *, line: int = 1, column: str | int | None = None) -> None:
        self.message, self.line, self.column = message, line, column
        where = f"line {line}" + (f", column {column}" if column is not None else "")
        super().__init__(f"{where}: {message}")

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "value": None, "message": self.message}


@dataclass(frozen=True)
class CellError:
    line: int
    column: str | None
    value: str | None
    message: str
    column_number: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = f"line {self.line}"
        if self.column is not None:
            number = f" (#{self.column_number})" if self.column_number else ""
            where += f", column {self.column!r}{number}"
        value = f" (value {self.value!r})" if self.value is not None else ""
        return f"{where}: {self.message}{value}"


class Row:
    """One data line. Typed accessors return the parsed value, or None after recording an error."""

    def __init__(self, line: int, cells: Mapping[str, str], columns: Sequence[str]) -> None:
        self.line = line
        self.cells = cells
        self.columns = list(columns)
        self.errors: list[CellError] = []

    def error(self, column: str | None, message: str, value: str | None = None) -> None:
        number = self.columns.index(column) + 1 if column in self.columns else None
        self.errors.append(CellError(self.line, column, value, message, number))

    def raw(self, column: str) -> str:
        return (self.cells.get(column) or "").strip()

    def _required(self, column: str, required: bool) -> str | None:
        value = self.raw(column)
        if value:
            return value
        if required:
            self.error(column, "a value is required", "")
        return None

    def text(self, column: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self._required(column, required) or ""
        if max_length is not None and len(value) > max_length:
            self.error(column, f"longer than {max_length} characters", value[:40] + "…")
            return value[:max_length]
        return value

    def integer(
        self, column: str, *, required: bool = False, minimum: int | None = None
    ) -> int | None:
        value = self._required(column, required)
        if value is None:
            return None
        cleaned = value.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", value) else value
        if not INTEGRAL_FLOAT.match(cleaned):
            self.error(column, "not a whole number", value)
            return None
        number = int(Decimal(cleaned))
        if minimum is not None and number < minimum:
            self.error(column, f"must be at least {minimum}", value)
            return None
        return number

    def decimal(
        self, column: str, *, required: bool = False, minimum: Decimal | int | None = None
    ) -> Decimal | None:
        value = self._required(column, required)
        if value is None:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            self.error(column, "not a number", value)
            return None
        if not number.is_finite():
            self.error(column, "not a finite number", value)
            return None
        if minimum is not None and number < minimum:
            self.error(column, f"must be at least {minimum}", value)
            return None
        return number

    def number(
        self, column: str, *, required: bool = False, minimum: float | None = None
    ) -> float | None:
        value = self.decimal(column, required=required, minimum=minimum)
        return None if value is None else float(value)

    def date(
        self, column: str, *, required: bool = False, formats: Iterable[str] = ("%Y-%m-%d",)
    ) -> date | None:
        value = self._required(column, required)
        if value is None:
            return None
        formats = tuple(formats)
        for fmt in formats:
            try:
                return datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar date
            except ValueError:
                continue
        shown = " or ".join(
            fmt.replace("%Y", "YYYY").replace("%m", "MM").replace("%d", "DD") for fmt in formats
        )
        self.error(column, f"not a date in the form {shown}", value)
        return None

    def boolean(self, column: str, *, required: bool = False) -> bool | None:
        value = self._required(column, required)
        if value is None:
            return None
        if value.lower() in TRUE_WORDS:
            return True
        if value.lower() in FALSE_WORDS:
            return False
        self.error(column, "expected yes or no", value)
        return None

    def choice(self, column: str, choices: Iterable[str], *, required: bool = False) -> str | None:
        value = self._required(column, required)
        if value is None:
            return None
        allowed = list(choices)
        if value not in allowed:
            self.error(column, "unknown value; expected one of " + ", ".join(allowed), value)
            return None
        return value

    def url(self, column: str, *, required: bool = False) -> str:
        value = self._required(column, required)
        if value is None:
            return ""
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            self.error(column, "not an http or https URL", value)
            return ""
        return value


def _decode(data: bytes) -> str:
    for bom, name in BOMS.items():
        if data.startswith(bom):
            raise FileFormatError(
                f"the file starts with a {name} byte-order mark (BOM); "
                "save it as UTF-8 without a BOM",
                line=1,
                column=1,
            )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise FileFormatError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", line=line, column=column
        ) from exc


def _check_header(header: list[str], required: Sequence[str], optional: Sequence[str]) -> None:
    if len(header) == 1:
        for delimiter, name in OTHER_DELIMITERS.items():
            if delimiter in header[0]:
                raise FileFormatError(
                    f"the header has a single column and looks {name}-separated; "
                    "this importer reads comma-separated files"
                )
    seen: set[str] = set()
    for number, name in enumerate(header, start=1):
        if not name:
            raise FileFormatError("a header cell is empty", column=number)
        if name in seen:
            raise FileFormatError(f"column {name!r} appears twice in the header", column=number)
        seen.add(name)
    missing = [name for name in required if name not in seen]
    if missing:
        raise FileFormatError("missing required column(s): " + ", ".join(missing))
    unknown = [name for name in header if name not in required and name not in optional]
    if unknown:
        raise FileFormatError(
            "unexpected column(s): "
            + ", ".join(unknown)
            + "; expected "
            + ", ".join([*required, *optional])
        )


def read_csv(
    source: Path | bytes, *, required: Sequence[str], optional: Sequence[str] = ()
) -> Iterator[Row]:
    """Yield the rows of a CSV file, checking the file and header first.

    Raises FileFormatError (before yielding anything for file-level problems found up front, or
    while iterating for broken quoting further down).
    """
    data = source.read_bytes() if isinstance(source, Path) else source
    if not data.strip():
        raise FileFormatError("the file is empty")
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [cell.strip() for cell in next(reader)]
    except csv.Error as exc:
        raise FileFormatError(f"cannot read the header: {exc}") from exc
    _check_header(header, required, optional)
    return _rows(reader, header)


def _rows(reader: "csv._reader", header: list[str]) -> Iterator[Row]:
    last_line = reader.line_num
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise FileFormatError(f"malformed CSV: {exc}", line=last_line + 1) from exc
        line, last_line = last_line + 1, reader.line_num
        if not record or all(not cell.strip() for cell in record):
            continue
        row = Row(line, dict(zip(header, record, strict=False)), header)
        if len(record) != len(header):
            row.error(None, f"expected {len(header)} fields, found {len(record)}")
        yield row
