"""Samtaleduk 2 of one meeting as its page shows it: a row per life area and a slot per column, filled from the
meeting's cells in a fixed number of queries; the cursor the page polls others' changes with; the previous
meeting's goals and actions to evaluate; and the team's meetings as a timeline."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property

from django.db.models import Case, Q, Value, When

from familieteam.models import CanvasCell, Column, FamilieteamMeeting, LifeArea

COLUMNS = list(Column)
# The cells of a canvas in its order (in_canvas_order), for a queryset's order_by.
CANVAS_ORDER = (
    "life_area__position",
    "life_area_id",
    Case(*(When(column=column.value, then=Value(index)) for index, column in enumerate(Column))),
)
TODAY_COLUMNS = [column for column in COLUMNS if column.group == "today"]
OTHER_COLUMNS = [column for column in COLUMNS if column.group != "today"]
EVALUATED_COLUMNS = [column for column in COLUMNS if column.is_evaluated]
# A save takes its time stamp before it commits, so a poll may read past a change that commits a moment later:
# each poll looks this far back again, and the cursor names the changes in that window the page already has.
CHANGES_OVERLAP = timedelta(seconds=5)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The cursor before any change: a poll with it (or with none) gets every cell of the canvas.
FROM_THE_START = "0:"


@dataclass
class Conflict:
    """The text someone typed from an older version, offered beside the one saved first."""

    text: str
    due: date | None


@dataclass
class Slot:
    """One cell of the grid, whether or not anyone has written in it yet. A view marks the slot it has just saved
    (`state`), refused (`error`) or found in conflict (`conflict`)."""

    life_area: LifeArea
    column: Column
    cell: CanvasCell | None = None
    conflict: Conflict | None = None
    error: str = ""
    state: str = ""
    focus: bool = False
    # Text and version posted in a save that was not accepted, shown again so that nothing typed is lost.
    draft: str | None = None
    base_version: int | None = None

    # Cached: the cell's markup names its ids and label a dozen times, 64 cells a page.
    @cached_property
    def dom_id(self) -> str:
        return f"cell-{self.life_area.pk}-{self.column.value}"

    @cached_property
    def label(self) -> str:
        return f"{self.life_area.name} – {self.column.label}"

    @property
    def kept_texts(self) -> list[tuple[str, str]]:
        """The text typed into this cell that could not be saved, as components/kept_text.html shows it."""
        return [(self.label, self.draft)] if self.draft else []

    @property
    def text(self) -> str:
        return self.cell.text if self.cell else ""

    @property
    def due(self) -> date | None:
        return self.cell.due if self.cell else None

    @property
    def version(self) -> int:
        return self.cell.version if self.cell else 0

    @property
    def shown_text(self) -> str:
        return self.text if self.draft is None else self.draft

    @property
    def shown_version(self) -> int:
        return self.version if self.base_version is None else self.base_version

    @property
    def carried(self) -> bool:
        """Carried over from the previous meeting and not changed since."""
        return bool(self.cell and self.cell.carried_from_id and self.cell.version == 1)

    @property
    def evaluation(self):
        """The evaluation the next meeting gave this goal or action, if any (read from the cell's select_related)."""
        if self.cell is None:
            return None
        return getattr(self.cell, "evaluation", None)


@dataclass
class Row:
    life_area: LifeArea
    slots: list[Slot]


@dataclass
class Canvas:
    rows: list[Row]
    cursor: str
    slots_by_key: dict = field(default_factory=dict)

    def cells(self) -> list[CanvasCell]:
        """The canvas's saved cells, with their life areas, as read for the grid."""
        return [slot.cell for slot in self.slots_by_key.values() if slot.cell is not None]

    def slot(self, life_area_id: int, column: str) -> Slot | None:
        return self.slots_by_key.get((life_area_id, column))

    def replace(self, slot: Slot) -> None:
        """Put a slot a view has marked (an error, a draft) in place of the one read from the database."""
        key = (slot.life_area.pk, slot.column.value)
        for row in self.rows:
            row.slots = [slot if (s.life_area.pk, s.column.value) == key else s for s in row.slots]
        self.slots_by_key[key] = slot


def _cells(meeting: FamilieteamMeeting):
    return meeting.cells.select_related("life_area", "updated_by", "evaluation__by")


def build_canvas(meeting: FamilieteamMeeting) -> Canvas:
    """The grid: the active life areas (and any retired one this canvas has text in), each with every column.
    Two queries, however many cells are filled."""
    cells = list(_cells(meeting))
    areas = LifeArea.objects.filter(Q(active=True) | Q(pk__in={cell.life_area_id for cell in cells}))
    by_key = {(cell.life_area_id, cell.column): cell for cell in cells}
    rows, slots = [], {}
    for area in areas:
        row = Row(area, [Slot(area, column, by_key.get((area.pk, column.value))) for column in COLUMNS])
        rows.append(row)
        slots.update({(area.pk, slot.column.value): slot for slot in row.slots})
    return Canvas(rows=rows, cursor=_cursor_after(0, cells), slots_by_key=slots)


def blank_canvas() -> list[Row]:
    """The grid with nothing written: a row per life area in use (the blank PDF to write on by hand)."""
    return [Row(area, [Slot(area, column) for column in COLUMNS]) for area in LifeArea.objects.filter(active=True)]


def slot_for(meeting: FamilieteamMeeting, life_area: LifeArea, column: Column) -> Slot:
    """One slot as it is saved now (one query)."""
    cell = _cells(meeting).filter(life_area=life_area, column=column).first()
    return Slot(life_area, Column(column), cell)


class BadCursor(ValueError):
    """The poll's cursor is not one this module made."""


def _micros(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


def _cursor_after(since: int, cells) -> str:
    """A cursor past `since` and every cell given: the newest time stamp, and the cells of the overlap window."""
    newest = max([since, *(_micros(cell.updated_at) for cell in cells)])
    window = newest - CHANGES_OVERLAP // timedelta(microseconds=1)
    known = sorted(f"{cell.pk}-{cell.version}" for cell in cells if _micros(cell.updated_at) > window)
    return f"{newest}:{'.'.join(known)}"


def _parse_cursor(cursor: str) -> tuple[int, set[tuple[int, int]]]:
    stamp, sep, known = (cursor or "").partition(":")
    if not sep:
        raise BadCursor(cursor)
    try:
        since = int(stamp)
        pairs = {tuple(int(part) for part in item.split("-", 1)) for item in known.split(".") if item}
    except ValueError:
        raise BadCursor(cursor) from None
    # A cursor is a time stamp this module made: not before 1970 nor past the year 5000 (datetime's range).
    if not 0 <= since < 10**17 or any(len(pair) != 2 for pair in pairs):
        raise BadCursor(cursor)
    return since, pairs


def changes_since(meeting: FamilieteamMeeting, cursor: str) -> tuple[list[Slot], str]:
    """The cells saved since the page's cursor, and the cursor past them; one query. Raises BadCursor."""
    since, known = _parse_cursor(cursor)
    window_start = EPOCH + timedelta(microseconds=since) - CHANGES_OVERLAP
    recent = list(_cells(meeting).filter(updated_at__gt=window_start))
    changed = [cell for cell in recent if (cell.pk, cell.version) not in known]
    if not changed:
        return [], cursor
    slots = [Slot(cell.life_area, Column(cell.column), cell) for cell in changed]
    return slots, _cursor_after(since, recent)


def _evaluated_cells(meeting: FamilieteamMeeting):
    """The previous meeting's goals and actions with a text: what the meeting evaluates."""
    return CanvasCell.objects.filter(meeting_id=meeting.previous_id, column__in=EVALUATED_COLUMNS).exclude(text="")


def evaluation_items(meeting: FamilieteamMeeting) -> list[CanvasCell]:
    """The previous meeting's goals and actions with a text, in canvas order, each with its evaluation if made."""
    if meeting.previous_id is None:
        return []
    return in_canvas_order(_evaluated_cells(meeting).select_related("life_area", "evaluation__by"))


def in_canvas_order(cells) -> list[CanvasCell]:
    """Cells (with their life area) as the canvas shows them: the life areas in order, each row's columns left to
    right. The model's own ordering sorts the columns by their values; CANVAS_ORDER is this order in SQL."""
    order = {column.value: index for index, column in enumerate(COLUMNS)}
    return sorted(cells, key=lambda cell: (cell.life_area.position, cell.life_area_id, order[cell.column]))


def unevaluated_count(meeting: FamilieteamMeeting) -> int:
    """How many of the previous meeting's goals and actions (evaluation_items) have no evaluation yet."""
    if meeting.previous_id is None:
        return 0
    return _evaluated_cells(meeting).filter(evaluation__isnull=True).count()


def timeline(meeting: FamilieteamMeeting) -> list[FamilieteamMeeting]:
    """The team's meetings, oldest first."""
    return list(meeting.team.meetings.order_by("starts_at", "pk"))
