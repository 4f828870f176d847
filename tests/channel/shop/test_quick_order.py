"""Reading quick orders as spreadsheets and people write them."""

from hypothesis import given
from hypothesis import strategies as st

from commerce.channel.shop.quick_order import MAX_QUANTITY, quick_order_parse


def test_csv_with_bom_semicolons_polish_decimals_blank_lines_and_a_header():
    text = "\ufeffNumer produktu;Ilość\r\nFX-1001;2,0\r\n\r\n fx-1002 ; 3 \r\nFX-1003;1,5\r\n;;\r\n"

    order = quick_order_parse(text)

    assert order.quantities == {"FX-1001": 2, "FX-1002": 3}
    assert [(error.line, error.text) for error in order.errors] == [(5, "FX-1003;1,5")]
    assert "whole number" in order.errors[0].message


def test_duplicates_are_merged_and_remember_their_first_line():
    order = quick_order_parse("FX-1001, 2\nFX-1002\t1\nfx-1001,3\nFX-1002 4")

    assert order.quantities == {"FX-1001": 5, "FX-1002": 5}
    assert order.lines["FX-1001"][0] == 1 and order.lines["FX-1002"][0] == 2
    assert order.errors == []


def test_each_bad_line_gets_its_own_error_and_the_good_ones_stay():
    order = quick_order_parse("FX-1001\nFX-1002, zero\nFX-1003, 0\nFX-1004, -2\nFX-1005, 1 000")

    assert order.quantities == {"FX-1005": 1000}
    assert [error.line for error in order.errors] == [1, 2, 3, 4]
    assert "quantity after" in order.errors[0].message


def test_a_quantity_above_the_most_a_line_holds_is_refused():
    order = quick_order_parse(f"FX-1001, {MAX_QUANTITY}\nFX-1001, 1")

    assert order.quantities == {"FX-1001": MAX_QUANTITY}
    assert len(order.errors) == 1 and order.errors[0].line == 2


def test_a_header_row_is_only_skipped_at_the_top():
    order = quick_order_parse("FX-1001, 1\nproduct number, quantity")

    assert order.quantities == {"FX-1001": 1}
    assert [error.line for error in order.errors] == [2]


@given(
    st.dictionaries(
        st.from_regex(r"[A-Z]{2}-[0-9]{4}", fullmatch=True),
        st.integers(min_value=1, max_value=999),
        min_size=1,
        max_size=20,
    ),
    st.sampled_from([";", ",", "\t", " "]),
    st.booleans(),
)
def test_any_well_formed_list_reads_back_whatever_the_separator(quantities, separator, bom):
    lines = [f"{number}{separator}{quantity}" for number, quantity in quantities.items()]
    text = ("\ufeff" if bom else "") + "\r\n".join(lines)

    order = quick_order_parse(text)

    assert order.quantities == quantities and order.errors == []
