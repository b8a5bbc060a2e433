"""The API's JSON renderer: the bytes DRF's JSONRenderer writes, written by orjson.

DRF's renderer runs the standard library's encoder: a tenth of an uncached API page of 100
incidents (about 0.35 of 3.4 ms of CPU, measured in process; README, Performance). orjson
writes the same JSON several times faster. Whatever orjson would write differently goes to
DRF's own encoder instead:

- dates, times and datetimes (DRF writes "Z" for UTC), decimals, lazy translations and every
  other type orjson does not know, value by value, through DRF's `JSONEncoder.default`;
- a pretty-printed response (`Accept: application/json; indent=4`), and anything orjson cannot
  write at all (an integer beyond 64 bits, a lone surrogate), through DRF's renderer itself.

Like DRF's, the output is UTF-8 with U+2028 and U+2029 escaped, so it is also valid JavaScript.
Two differences remain, both about floats. One below 1e-4 may be spelled without an exponent
(0.00001 for 1e-05): the same number to any JSON parser. One that is not finite (NaN or
infinity) is written as null where DRF's strict JSON raises an error; no importer or admin form
lets one into the database.
"""

from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

# Types orjson would write in its own format; `default` hands them to DRF's encoder.
PASSTHROUGH = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
LINE_SEPARATORS = ((b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"))


class FastJSONRenderer(JSONRenderer):
    """Same media type, format and output as DRF's JSONRenderer (with the project's
    UNICODE_JSON, COMPACT_JSON and STRICT_JSON defaults, which the test suite checks)."""

    _encoder = JSONEncoder()

    def render(self, data: Any, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        if self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            body = orjson.dumps(data, default=self._encoder.default, option=PASSTHROUGH)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        for raw, escaped in LINE_SEPARATORS:
            if raw in body:
                body = body.replace(raw, escaped)
        return body
