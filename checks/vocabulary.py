"""A province's words, from its rulebook's [vocabulary]: levels and kinds of organisation, meeting kinds,
supervising units' kinds, the registration questions of the roster, and whom schools contact.

Rules rely on meaning, not on words, so meaning stays a small fixed set of roles in code (Level,
OrgKind, MeetingRole in checks.schema; the registration fields of StaffMember) and the vocabulary
gives each role the province's word. A rule finds "the congress" through the vocabulary and writes
findings in the province's words; a meeting word without a role is still recorded, and a rulebook's
checks may name it as a parameter. The loader, the template's drop-downs and the demo read the same
vocabulary, so a province changes its words in its rulebook without code.
"""

from __future__ import annotations

from dataclasses import dataclass

from checks.schema import Level, MeetingRole, OrgKind

# The roster's yes/no registration questions, by the key a rulebook names them with: the system a
# League member reports to, and the volunteer system; each fills a field of checks.schema.StaffMember.
REGISTRATION_FIELDS = {"league_system": "zhtj_registered", "volunteer_system": "ivolunteer_registered"}


@dataclass(frozen=True)
class MeetingWord:
    name: str  # as schools choose it in the template
    role: MeetingRole | None = None  # what it means to the built-in rules; None for none of them


@dataclass(frozen=True)
class Registration:
    """A roster question: is the staff member registered in this system."""

    field: str  # StaffMember field it fills
    system: str  # the system's name
    action: str  # what one does in it (报到, 注册)

    @property
    def header(self) -> str:
        return f"是否在{self.system}{self.action}"


@dataclass(frozen=True)
class Vocabulary:
    contact_office: str  # whom schools ask, named in the messages they read
    unit_kinds: tuple[str, ...]  # kinds of supervising unit
    levels: tuple[tuple[Level, str], ...]  # role -> word
    organisation_kinds: tuple[tuple[OrgKind, str], ...]  # role -> word, only the kinds the province has
    meeting_kinds: tuple[MeetingWord, ...]  # in the template's drop-down order
    registrations: tuple[Registration, ...]  # the roster's optional columns

    def level_word(self, level: Level) -> str:
        return dict(self.levels)[level]

    def organisation_word(self, kind: OrgKind) -> str:
        return dict(self.organisation_kinds)[kind]

    def level_of(self, word: str) -> Level:
        return {w: level for level, w in self.levels}[word]

    def organisation_kind_of(self, word: str) -> OrgKind:
        return {w: kind for kind, w in self.organisation_kinds}[word]

    @property
    def meeting_names(self) -> tuple[str, ...]:
        return tuple(meeting.name for meeting in self.meeting_kinds)

    def meeting_words(self, *roles: MeetingRole) -> tuple[str, ...]:
        """The province's words for meetings playing any of these roles, in the vocabulary's order."""
        return tuple(meeting.name for meeting in self.meeting_kinds if meeting.role in roles)

    def meeting_named(self, *roles: MeetingRole) -> str:
        """The words for these roles as a finding says them: 改革动员会或全员培训."""
        return "或".join(self.meeting_words(*roles)) or "（规则手册未设此类会议）"

    def registration(self, field: str) -> Registration | None:
        return next((r for r in self.registrations if r.field == field), None)
