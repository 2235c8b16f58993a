"""Users and mentor profiles, without I/O."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.domain.people import (
    MentorStats,
    ProfileChange,
    UserChange,
    apply_profile_change,
    apply_user_change,
    new_mentor,
    new_user,
)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_new_user_name_falls_back_to_email_then_id() -> None:
    assert new_user("u", "  Ada  ", None, NOW).name == "Ada"
    assert new_user("u", None, "grace@example.com", NOW).name == "grace"
    assert new_user("u", "", None, NOW).name == "u"
    assert new_user("u", None, None, NOW).timezone == "UTC"


def test_user_change_keeps_what_is_not_given() -> None:
    user = new_user("u", "Ada", "ada@example.com", NOW)
    changed = apply_user_change(user, UserChange(timezone="Asia/Kathmandu"), NOW)
    assert (changed.name, changed.email, changed.timezone) == (
        "Ada",
        "ada@example.com",
        "Asia/Kathmandu",
    )


def test_profile_change_keeps_bio_and_expertise_when_omitted() -> None:
    mentor = new_mentor(
        "m",
        new_user("u", "Ada", None, NOW),
        ProfileChange("Acme", "Eng", "UTC", bio="Hi", expertise=("Python",)),
        NOW,
    )
    changed = apply_profile_change(mentor, ProfileChange("Beta", "Lead", "Europe/Berlin"), NOW)
    assert (changed.company, changed.bio, changed.expertise) == ("Beta", "Hi", ("Python",))
    assert changed.total_sessions == 0


def test_completion_rate_is_none_until_something_finished() -> None:
    assert MentorStats().completion_rate is None
    assert MentorStats(completed_sessions=3, no_show_sessions=1).completion_rate == 0.75
    assert MentorStats(no_show_sessions=2).completion_rate == 0.0
