import pytest

from tongban.catalogue.workflow import TRANSITIONS, TransitionNotAllowed, allowed_actions, next_status


def test_table_is_the_only_way():
    assert next_status("draft", "submit") == "in_review"
    assert next_status("in_review", "publish") == "published"
    with pytest.raises(TransitionNotAllowed, match="草稿"):
        next_status("draft", "publish")
    assert all(to != "draft" or action == "reject" for (_, action), to in TRANSITIONS.items())
    assert allowed_actions("published") == ["retire"]
    assert allowed_actions("retired") == []
