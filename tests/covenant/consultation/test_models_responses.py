"""models/responses.py: what each response and answer costs to write. No index is kept that another index
already serves, and the keys they name are still indexed, first, by one that does."""

import pytest
from django.db import connection

from covenant.consultation.models import Answer, ConsultationResponse

pytestmark = pytest.mark.django_db


def _indexes(model) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    # A unique constraint is an index too (introspection reports it as one or as the other, by database).
    return {
        name: details["columns"]
        for name, details in constraints.items()
        if details["index"] or (details["unique"] and not details["primary_key"])
    }


@pytest.mark.parametrize(
    ("model", "column"),
    [(Answer, "response_id"), (ConsultationResponse, "consultation_id")],
)
def test_a_key_is_indexed_once_by_an_index_that_leads_with_it(model, column):
    indexes = _indexes(model)
    assert [columns for columns in indexes.values() if columns == [column]] == []
    assert any(len(columns) > 1 and columns[0] == column for columns in indexes.values())


@pytest.mark.django_db(transaction=True)
def test_the_migration_that_dropped_them_goes_back_and_forth():
    from django.core.management import call_command

    def single(model, column):
        return [name for name, columns in _indexes(model).items() if columns == [column]]

    try:
        call_command("migrate", "consultation", "0006", verbosity=0)
        assert single(Answer, "response_id") == ["consultation_answer_response_id_5623154a"]
        assert single(ConsultationResponse, "consultation_id") == [
            "consultation_consultationresponse_consultation_id_64f04487"
        ]
    finally:
        call_command("migrate", "consultation", verbosity=0)
    assert single(Answer, "response_id") == single(ConsultationResponse, "consultation_id") == []
