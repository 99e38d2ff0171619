"""What Copper gives a new account, as snapshot sections: its two pipelines with their
stages, its loss reasons, and its user activity types (Note, Phone Call and Meeting, To
Do the default task type). A new account gets them (storage/accounts.py), and so does a
snapshot account whose file has no such section (snapshot/reader.py)."""

from __future__ import annotations

from typing import Any

Section = list[dict[str, Any]]

_PIPELINES = (
    ("Sales", (("Qualified", 5), ("Follow-up", 10), ("Presentation", 20),
               ("Contract Sent", 40), ("Negotiation", 80))),
    ("Business Development", (("First Meeting", 10), ("Partner Meeting", 25),
                              ("Negotiation", 50), ("Term Sheet", 75))),
)  # fmt: skip
"""As Copper's "List Pipelines" example shows them."""
_LOSS_REASONS = ("Price", "Features", "Competitor")
_ACTIVITY_TYPES = (
    # (id, name, icon, counts as an interaction, default task type); Note is id 0 in Copper
    (0, "Note", None, False, False),
    (1, "Phone Call", "Phone", True, False),
    (2, "Meeting", "Event", True, False),
    (3, "To Do", "Todo", False, True),
)
ICON_TYPES = (
    "Message", "Phone", "Event", "Assignment", "Assessment", "Group", "Description",
    "Speaker Notes", "Forum", "Web", "Loyalty", "Content Paste", "Headset", "Share",
    "Navigation", "Notification", "Voicemail", "Room", "Edit", "Send", "Videocam",
    "Play Arrow", "Grocery Store", "Mic", "Camera Mic", "Todo",
)  # fmt: skip
"""The icons a custom activity type may have (copper-surface section 4)."""


def default_pipelines() -> Section:
    """Copper's default pipelines, ids from 1, their stages' ids from 1 in order."""
    pipelines, stage_id = [], 0
    for pipeline_id, (name, stages) in enumerate(_PIPELINES, start=1):
        listed = []
        for stage, probability in stages:
            stage_id += 1
            listed.append({"id": stage_id, "name": stage, "win_probability": probability})
        pipelines.append({"id": pipeline_id, "name": name, "stages": listed})
    return pipelines


def default_loss_reasons() -> Section:
    return [{"id": i, "name": name} for i, name in enumerate(_LOSS_REASONS, start=1)]


def default_activity_types() -> Section:
    return [
        {"id": i, "category": "user", "name": name, "count_as_interaction": interaction}
        | ({"icon_type": icon} if icon else {})
        | ({"is_default_task_type": True} if task else {})
        for i, name, icon, interaction, task in _ACTIVITY_TYPES
    ]


DEFAULT_SECTIONS = {
    "pipelines": default_pipelines,
    "loss_reasons": default_loss_reasons,
    "activity_types": default_activity_types,
}
"""Section -> its defaults, for an account that has none of it."""
