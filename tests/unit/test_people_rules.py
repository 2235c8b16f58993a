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
    with_claims,
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


def test_a_name_claim_loses_control_and_format_characters() -> None:
    assert new_user("u", "\u202eAda\u200b Love\x00lace", None, NOW).name == "Ada Lovelace"
    assert new_user("u", "\u202e\u200b", "grace@example.com", NOW).name == "grace"


def test_an_email_claim_with_format_characters_is_not_taken() -> None:
    user = new_user("u", "Ada", "ada\u202e@example.com", NOW, email_verified=True)
    assert (user.email, user.email_verified, user.shared_email) == (None, False, None)


def test_only_a_verified_email_is_shared() -> None:
    assert new_user("u", "Ada", "ada@example.com", NOW).shared_email is None
    verified = new_user("u", "Ada", "ada@example.com", NOW, email_verified=True)
    assert verified.shared_email == "ada@example.com"
    assert new_user("u", "Ada", None, NOW, email_verified=True).email_verified is False


def test_a_new_email_is_unverified_and_the_same_one_stays_verified() -> None:
    user = new_user("u", "Ada", "ada@example.com", NOW, email_verified=True)
    same = apply_user_change(user, UserChange(email="ada@example.com"), NOW)
    assert same.email_verified is True
    other = apply_user_change(user, UserChange(email="boss@example.com"), NOW)
    assert (other.email_verified, other.shared_email) == (False, None)


def test_claims_vouch_only_for_the_email_they_name() -> None:
    user = new_user("u", "Ada", "ada@example.com", NOW)
    verified = with_claims(user, "ada@example.com", True, NOW)
    assert verified is not None
    assert verified.email_verified
    assert with_claims(user, "ada@example.com", False, NOW) is None
    assert with_claims(user, "other@example.com", True, NOW) is None
    assert with_claims(user, None, True, NOW) is None


def test_a_mentor_profile_copies_only_a_verified_email() -> None:
    change = ProfileChange("Acme", "Eng", "UTC")
    unverified = new_user("u", "Ada", "ada@example.com", NOW)
    assert new_mentor("m", unverified, change, NOW).email is None
    verified = new_user("u", "Ada", "ada@example.com", NOW, email_verified=True)
    assert new_mentor("m", verified, change, NOW).email == "ada@example.com"
