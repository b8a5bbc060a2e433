import pytest

from imports.csvfile import FileFormatError, read_csv


def rows(data: bytes, required=("a", "b"), optional=()):
    return list(read_csv(data, required=required, optional=optional))


@pytest.mark.parametrize(
    ("data", "message", "line"),
    [
        (b"", "the file is empty", 1),
        (b"   \n\n", "the file is empty", 1),
        (b"\xef\xbb\xbfa,b\n1,2\n", "byte-order mark", 1),
        (b"a;b\n1;2\n", "semicolon-separated", 1),
        (b"a\tb\n1\t2\n", "tab-separated", 1),
        (b"a\n1\n", "missing required column(s): b", 1),
        (b"a,b,c\n1,2,3\n", "unexpected column(s): c", 1),
        (b"a,a,b\n1,1,2\n", "appears twice", 1),
        (b"a,b\n1,2\n3,\xff\n", "not valid UTF-8", 3),
    ],
)
def test_file_level_problems_are_named_with_their_line(data, message, line):
    with pytest.raises(FileFormatError) as excinfo:
        rows(data)
    assert message in excinfo.value.message
    assert excinfo.value.line == line


def test_invalid_utf8_reports_the_column_of_the_bad_byte():
    with pytest.raises(FileFormatError) as excinfo:
        rows(b"a,b\n12,\xff\n")
    assert (excinfo.value.line, excinfo.value.column) == (2, 4)


def test_broken_quoting_is_reported_with_a_line():
    with pytest.raises(FileFormatError) as excinfo:
        rows(b'a,b\n1,"x"y\n')
    assert excinfo.value.line == 2


def test_rows_carry_their_line_number_even_after_multiline_cells():
    parsed = rows(b'a,b\n1,"two\nlines"\n3,4\n')
    assert [row.line for row in parsed] == [2, 4]


def test_wrong_field_count_is_a_row_error():
    [row] = rows(b"a,b\n1,2,3\n")
    assert "expected 2 fields, found 3" in str(row.errors[0])


def test_typed_accessors_collect_every_bad_cell_with_line_column_and_value():
    [row] = rows(b"a,b\nx,2020-13-01\n")
    assert row.integer("a") is None
    assert row.date("b") is None
    messages = [str(error) for error in row.errors]
    assert messages[0] == "line 2, column 'a' (#1): not a whole number (value 'x')"
    assert "column 'b' (#2)" in messages[1]
    assert "YYYY-MM-DD" in messages[1]


@pytest.mark.parametrize(
    ("raw", "expected"), [("267258.0", 267258), ("1,234", 1234), ("-3", -3), ("42", 42)]
)
def test_integer_accepts_integral_floats_and_thousands(raw, expected):
    [row] = rows(f'a,b\n"{raw}",x\n'.encode())
    assert row.integer("a") == expected
    assert not row.errors


def test_integer_rejects_fractions_and_enforces_minimum():
    [row] = rows(b"a,b\n12.5,-1\n")
    assert row.integer("a") is None
    assert row.integer("b", minimum=0) is None
    assert len(row.errors) == 2


def test_required_boolean_choice_and_url():
    [row] = rows(b"a,b\n,maybe\n", optional=())
    assert row.text("a", required=True) == ""
    assert row.boolean("b") is None
    [row2] = rows(b"a,b\njavascript:alert(1),z\n")
    assert row2.url("a") == ""
    assert row2.choice("b", ["x", "y"]) is None
    assert "not an http or https URL" in str(row2.errors[0])
    assert "expected one of x, y" in str(row2.errors[1])


def test_decimal_rejects_nan_and_infinity():
    [row] = rows(b"a,b\nNaN,inf\n")
    assert row.decimal("a") is None
    assert row.decimal("b") is None
    assert len(row.errors) == 2
