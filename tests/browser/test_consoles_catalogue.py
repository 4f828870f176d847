"""The checks the console tests rely on, on pages of known content: which text counts as
English left on a Polish page, and which is data, code, hidden or marked as another language."""

import pytest

from .catalogue import english_on_page, same_as_english, visible_strings

pytestmark = pytest.mark.integration  # Chromium, like every browser test

POLISH_PAGE = """<!doctype html><html lang="pl"><body>
<h1>Wszyscy potencjalni klienci</h1>
<p>History</p>
<p style="display: none">Delete</p>
<code>Delete</code>
<ul><li><a href="/partner/" lang="en">English</a></li></ul>
<input type="submit" value="Save">
<img src="data:," alt="Search">
<select><option>Delete</option><option lang="en">History</option></select>
<p>Zofia Żółkiewska</p>
<table><thead><tr><th>Revenue</th><th>ID</th><th>Numer</th></tr></thead>
<tbody><tr><th>Hurtownia</th><td>Hurtownia</td></tr></tbody></table>
</body></html>"""
ENGLISH_PAGE = """<!doctype html><html lang="en"><body>
<table><thead><tr><th>Revenue</th><th>ID</th><th>Number</th></tr></thead>
<tbody><tr><th>Hurtownia</th><td>Hurtownia</td></tr></tbody></table>
</body></html>"""


@pytest.fixture
def polish_page(open_page):
    page = open_page("pl-PL")
    page.set_content(POLISH_PAGE)
    return page


def test_visible_strings_leave_out_hidden_text_code_and_other_languages(polish_page):
    strings = visible_strings(polish_page)
    assert {"History", "Save", "Search", "Delete", "Zofia Żółkiewska"} <= set(strings)
    assert "English" not in strings  # a link marked lang="en"
    assert strings.count("Delete") == 1  # the option; neither the hidden paragraph nor <code>
    assert strings.count("History") == 1  # the paragraph; not the option marked lang="en"


def test_english_left_on_a_polish_page_is_named_with_its_msgid(polish_page):
    found = english_on_page(polish_page, "pl", data=("Zofia Żółkiewska",))
    assert found == ["'Delete'", "'History'", "'Save'", "'Search'"]


def test_interface_text_read_as_on_the_english_page_is_found(polish_page, open_page):
    english = open_page("en-GB")
    english.set_content(ENGLISH_PAGE)
    # "Revenue" was never marked for translation; "ID" is too short to be a word; row
    # headings and cells are data.
    assert same_as_english(polish_page, english, "pl") == ["Revenue"]
