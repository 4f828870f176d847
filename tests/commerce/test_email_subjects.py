"""A burst of emails renders each distinct subject once, and every subject as its own email's."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commerce.emails import EmailSpec, email_subjects, rendering


def _spec(type_: str, language: str, n: int, **context) -> EmailSpec:
    return EmailSpec(
        type=type_,
        event_key=f"{type_}:{n}",
        recipient=f"buyer{n}@firma.example.pl",
        language=language,
        context=context,
    )


def _alone(spec: EmailSpec) -> str:
    """The subject as the email's own rendering gives it (as when it is sent)."""
    (subject,) = rendering._render(spec, ("subject.txt",))
    return " ".join(subject.split())


@pytest.fixture
def renders(monkeypatch) -> list[dict]:
    """The contexts the subject templates were rendered with."""
    seen: list[dict] = []
    original = rendering._ReadKeys.__init__

    def counting(self, values):
        seen.append(values)
        original(self, values)

    monkeypatch.setattr(rendering._ReadKeys, "__init__", counting)
    return seen


def test_a_burst_of_receipts_renders_its_subject_once_per_language(renders):
    specs = [
        _spec("onboarding_request_received", language, n, first_name=f"Jan {n}", request_id=n)
        for n in range(40)
        for language in ("pl", "cs")
    ]
    subjects = email_subjects(specs)

    assert len(renders) == 2
    assert subjects == [_alone(spec) for spec in specs]
    assert subjects[0] != subjects[1]  # Polish, then Czech


def test_subjects_naming_the_order_are_rendered_for_each_order(renders):
    specs = [_spec("order_placed", "pl", n, order_number=f"SO-{n % 3}") for n in range(9)]
    subjects = email_subjects(specs)

    assert len(renders) == 3
    assert subjects == [_alone(spec) for spec in specs]
    assert len(set(subjects)) == 3 and all(f"SO-{n % 3}" in s for n, s in enumerate(subjects))


def test_values_equal_in_python_but_printed_apart_are_rendered_apart():
    specs = [
        _spec("order_placed", "en", n, order_number=value) for n, value in enumerate([1, True, 1.0])
    ]
    assert email_subjects(specs) == [_alone(spec) for spec in specs]
    assert len(set(email_subjects(specs))) == 3


VALUES = st.one_of(
    st.sampled_from(["SO-1", "SO-2", "", "Łódź"]),
    st.integers(0, 2),
    st.booleans(),
    st.lists(st.integers(0, 1), max_size=2),
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["order_placed", "order_approval_requested", "partner_user_joined"]),
            st.sampled_from(["en", "pl", "cs"]),
            st.dictionaries(
                st.sampled_from(["order_number", "buyer_name", "company_name", "new_user_name"]),
                VALUES,
            ),
        ),
        max_size=12,
    )
)
def test_every_subject_is_the_one_its_email_renders_alone(drawn):
    specs = [
        _spec(type_, language, n, **context) for n, (type_, language, context) in enumerate(drawn)
    ]
    assert email_subjects(specs) == [_alone(spec) for spec in specs]
