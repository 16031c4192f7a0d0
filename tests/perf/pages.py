"""The pages the bench measures, for whom, and how: timed client.get() calls, then one request with its queries;
and the targets every hot page is held to."""

import statistics
import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import access, selectors
from cases.management.commands.seed_demo import scale_team_name
from cases.models import ActionPoint, ActionStatus, Level, Status
from cases.views import PAGE_SIZE
from familielos import roles
from familieteam.models import Familieteam, FamilieteamMeeting, MeetingStatus
from teams.models import Meeting
from tests.perf.bench_urls import BARE_PATH

# The scale data's users for batch 0 (seed_demo._scale_batch): a familielos, a kindergarten teacher who opened
# a quarter of the batch's cases, the ressursteam member who sees the batch's level 2 and 3 families, and the team's
# leader who plans its meetings; they see the same families at every scale, so a page's cost should not change with
# the scale. And the demo's leader.
FAMILIELOS = "s0-los0"
STAFF = "s0-staff0"
RESSURSTEAM = "s0-rt"
TEAM_LEADER = "s0-rt-leder"
LEADER = "leder"
# Matches many seeded names (Hansen, Olsen, Jensen …): the search has work to do.
SEARCH = "sen"
# Requests per page whose queries are captured; each query's time is the median over them.
CAPTURED_RUNS = 5
# Targets for every page but the bare view, at every scale (issue 6): its median at most TARGET_RATIO × the bare
# view's (GOAL_RATIO after that), at most MAX_QUERIES queries, and as many queries at every scale.
TARGET_RATIO = 4.0
GOAL_RATIO = 3.0
MAX_QUERIES = 12


@dataclass
class Scenario:
    label: str
    username: str
    path: str
    headers: dict = field(default_factory=dict)
    note: str = ""
    client: Client | None = field(default=None, repr=False)


@dataclass
class Result:
    scenario: Scenario
    times: list[float]
    queries: list[dict]

    @property
    def median_ms(self) -> float:
        return 1000 * statistics.median(self.times)

    @property
    def p95_ms(self) -> float:
        return 1000 * statistics.quantiles(self.times, n=20, method="inclusive")[18]


def _user(username):
    return get_user_model().objects.get(username=username)


def _family_at(user, level: Level):
    """The user's first visible family (by id) whose open case is at `level`."""
    family = access.visible_families(user).filter(cases__status=Status.OPEN, cases__level=level).order_by("pk").first()
    if family is None:
        raise SystemExit(f"{user.username} sees no family at level {level}: is the scale data seeded?")
    return family


def _led_families(user) -> int:
    """How many families at level 3 the familielos leads: the rows of their desk."""
    return Familieteam.objects.filter(
        case__familielos=user, case__status=Status.OPEN, case__level=Level.FAMILIELOS
    ).count()


def _next_meeting() -> Meeting:
    """Batch 0's team's meeting under way (its board offers the decision forms): its agenda holds the first of the
    batch's waiting referrals."""
    meeting = Meeting.objects.filter(team__name=scale_team_name(0)).order_by("-starts_at", "-pk").first()
    if meeting is None or not meeting.has_begun():
        raise SystemExit(f"{scale_team_name(0)} has no meeting under way: is the scale data seeded?")
    return meeting


def _planned_familieteam_meeting(user) -> FamilieteamMeeting:
    """The first planned familieteam meeting of the user's families: its canvas was carried over from the meeting
    held before it, which it evaluates."""
    meeting = (
        FamilieteamMeeting.objects.filter(team__case__familielos=user, status=MeetingStatus.PLANNED)
        .order_by("starts_at", "pk")
        .first()
    )
    if meeting is None:
        raise SystemExit(f"{user.username} has no planned familieteam meeting: is the scale data seeded?")
    return meeting


def scenarios() -> list[Scenario]:
    """What to measure; the bare view first, as the baseline of the ratio column."""
    families = reverse("cases:family_list")
    los, staff, rt = _user(FAMILIELOS), _user(STAFF), _user(RESSURSTEAM)

    def detail(user, level):
        family = _family_at(user, level)
        note = f"family {family.pk} ({family.name}), open case at level {int(level)}"
        return reverse("cases:family_detail", args=[family.pk]), note

    def count(user, **filters):
        return selectors.family_list(user, **filters).count()

    htmx = {"HTTP_HX_REQUEST": "true"}
    last_page = -(-count(staff) // PAGE_SIZE)
    rows = [
        Scenario("bare view (signed in)", STAFF, BARE_PATH, note="HttpResponse('ok') behind the same middleware"),
        Scenario("Mine familier – familielos", FAMILIELOS, families, note=f"{count(los)} families"),
        Scenario("Mine familier – unit staff", STAFF, families, note=f"{count(staff)} families, page 1"),
        Scenario(
            "Mine familier – unit staff, last page",
            STAFF,
            f"{families}?side={last_page}",
            note=f"page {last_page}: offset pagination at the end of the list",
        ),
        Scenario(
            f"Mine familier – unit staff ?q={SEARCH}",
            STAFF,
            f"{families}?q={SEARCH}",
            note=f"{count(staff, q=SEARCH)} matches",
        ),
        Scenario(
            f"Mine familier – unit staff ?q={SEARCH} (htmx)",
            STAFF,
            f"{families}?q={SEARCH}",
            headers=htmx,
            note="the results fragment, as search-as-you-type asks for it",
        ),
        Scenario(
            "Mine familier – unit staff ?level=1",
            STAFF,
            f"{families}?level=1",
            note=f"{count(staff, level=1)} matches",
        ),
        Scenario("Mine familier – ressursteam", RESSURSTEAM, families, note=f"{count(rt)} families"),
        Scenario(
            "Mine familier – ressursteam ?level=2",
            RESSURSTEAM,
            f"{families}?level=2",
            note=f"{count(rt, level=2)} matches",
        ),
    ]
    for label, username, note in [
        ("start page – unit staff", STAFF, "decisions due and conversations coming up"),
        ("start page – ressursteam", RESSURSTEAM, "the next meeting and its agenda, referrals waiting, decisions due"),
        (
            "start page – familielos (desk)",
            FAMILIELOS,
            f"the desk: {_led_families(los)} families at level 3, their meetings, action points due, the log",
        ),
        ("start page – leader", LEADER, "decisions due and conversations coming up"),
    ]:
        rows.append(Scenario(label, username, reverse("home"), note=note))
    meeting = _next_meeting()
    board = reverse("teams:meeting_detail", args=[meeting.pk])
    cards = f"meeting {meeting.pk}, {meeting.items.count()} referrals on the agenda"
    rows.append(Scenario("triage board – ressursteam member", RESSURSTEAM, board, note=cards))
    rows.append(Scenario("triage board – team leader", TEAM_LEADER, board, note=cards + ", with the agenda controls"))
    undecided = meeting.items.filter(decision__isnull=True).order_by("position", "pk").first()
    if undecided is None:
        raise SystemExit(f"{scale_team_name(0)}'s meeting has no undecided referral: is the scale data seeded?")
    familieloser = get_user_model().objects.filter(groups__name=roles.FAMILIELOS).count()
    rows.append(
        Scenario(
            "triage board – a card's decision form (htmx)",
            RESSURSTEAM,
            reverse("teams:meeting_decide", args=[meeting.pk, undecided.pk]),
            headers=htmx,
            note=f"loaded when the card's form is opened; lists the {familieloser} familieloser",
        )
    )
    canvas = _planned_familieteam_meeting(los)
    filled = f"meeting {canvas.pk}, {canvas.cells.count()} cells carried over, the previous canvas to evaluate"
    rows.append(Scenario("canvas page – familielos", FAMILIELOS, canvas.get_absolute_url(), note=filled))
    own = ActionPoint.objects.filter(owner_user=los, status=ActionStatus.OPEN).count()
    rows.append(
        Scenario(
            "Mine aksjonspunkt – familielos",
            FAMILIELOS,
            reverse("familieteam:my_action_points"),
            note=f"{own} open action points of their own",
        )
    )
    for label, user, username, level in [
        ("family page – familielos, level 3", los, FAMILIELOS, Level.FAMILIELOS),
        ("family page – unit staff, level 0", staff, STAFF, Level.UNDRING),
        ("family page – unit staff, level 1", staff, STAFF, Level.AVKLARING),
        ("family page – ressursteam, level 2", rt, RESSURSTEAM, Level.RESSURSTEAM),
        ("family page – ressursteam, level 3", rt, RESSURSTEAM, Level.FAMILIELOS),
    ]:
        path, note = detail(user, level)
        rows.append(Scenario(label, username, path, note=note))
    # One signed-in client per user, as one browser; force_login skips the (axes-throttled) login form. The
    # session lives in this database, so the clients are made again for each.
    clients = {}
    for row in rows:
        if row.username not in clients:
            clients[row.username] = Client()
            clients[row.username].force_login(_user(row.username))
        row.client = clients[row.username]
    return rows


def describe(rows: list[Scenario]) -> list[str]:
    width = max(len(row.label) for row in rows)
    return [f"{row.label:<{width}}  {row.username:<10} {row.path}  {row.note}" for row in rows]


class _QueryTimer:
    """An execute wrapper timing each query to the microsecond (CaptureQueriesContext rounds to whole ms)."""

    def __init__(self):
        self.seconds: list[float] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds.append(time.perf_counter() - started)


def _is_transaction(query) -> bool:
    return query["sql"].split(" ", 1)[0].upper() in {"BEGIN", "COMMIT", "ROLLBACK"}


def request_page(scenario: Scenario):
    """One request of the page; stops the bench on an answer other than 200."""
    response = scenario.client.get(scenario.path, **scenario.headers)
    _check(scenario, response)
    return response


def measure(rows: list[Scenario], *, requests: int, warmup: int) -> list[Result]:
    """Time every page `requests` times, in rounds over all pages, so a busy moment on the machine is shared out."""
    for scenario in rows:
        for _ in range(warmup):
            request_page(scenario)
    calls = [(row.client.get, row.path, row.headers) for row in rows]
    times: list[list[float]] = [[] for _ in rows]
    perf_counter = time.perf_counter
    for _ in range(requests):
        for scenario, (get, path, headers), page_times in zip(rows, calls, times, strict=True):
            started = perf_counter()
            response = get(path, **headers)
            page_times.append(perf_counter() - started)
            _check(scenario, response)
    return [
        Result(scenario, page_times, _captured_queries(scenario))
        for scenario, page_times in zip(rows, times, strict=True)
    ]


def _check(scenario: Scenario, response) -> None:
    if response.status_code != 200:
        raise SystemExit(f"{scenario.label}: {scenario.path} answered {response.status_code}")


def _is_session_write(sql: str) -> bool:
    return sql.startswith('UPDATE "django_session"')


def _captured_queries(scenario: Scenario, runs: int = CAPTURED_RUNS) -> list[dict]:
    """The queries of one request, each with its median time over a few requests.

    Captured apart from the timed requests: capturing makes every query a little slower.
    """
    samples = []
    for _ in range(runs):
        timer = _QueryTimer()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
            request_page(scenario)
        timed = iter(timer.seconds)
        samples.append(
            [
                # Django logs BEGIN/COMMIT itself, not through a cursor: its time (rounded to the ms) is kept.
                (query["sql"], 1000 * (float(query["time"]) if _is_transaction(query) else next(timed)))
                for query in captured.captured_queries
            ]
        )
        if next(timed, None) is not None:
            raise RuntimeError("the query timer and CaptureQueriesContext disagree")
    # The session's idle expiry is written at most once a minute (SessionRefreshMiddleware): a request that did it
    # has one UPDATE (and its transaction) more. Leave those out; any other difference is a real finding.
    samples = [sample for sample in samples if not any(_is_session_write(sql) for sql, _ms in sample)] or samples
    if len({len(sample) for sample in samples}) != 1:
        raise RuntimeError(f"{scenario.label}: the number of queries changes from request to request")
    # The SQL of the first request stands for all (later ones differ only in timestamps and cursor names).
    return [
        {"sql": sql, "ms": statistics.median(sample[index][1] for sample in samples)}
        for index, (sql, _ms) in enumerate(samples[0])
    ]


def ratio(result: Result, bare: Result) -> float:
    return statistics.median(result.times) / statistics.median(bare.times)


def verdict(by_scale: dict[int, Result], bare_by_scale: dict[int, Result]) -> list[str]:
    """The targets one page misses at any scale (none: it passes)."""
    misses = []
    for scale, result in by_scale.items():
        if (times := ratio(result, bare_by_scale[scale])) > TARGET_RATIO:
            misses.append(f"{times:.1f}× > {TARGET_RATIO:g}× at {scale}×")
        if len(result.queries) > MAX_QUERIES:
            misses.append(f"{len(result.queries)} queries > {MAX_QUERIES} at {scale}×")
    if len({len(result.queries) for result in by_scale.values()}) > 1:
        misses.append("queries change with the scale")
    return misses


def table(results: dict[int, list[Result]]) -> tuple[list[str], bool]:
    """One row per page: median ms, ratio to the bare view and queries at each scale, and PASS/FAIL against the
    targets; and whether every page passed. The bare view is each scale's first result."""
    scales = list(results)
    bare = {scale: rows[0] for scale, rows in results.items()}
    pages = list(zip(*results.values(), strict=True))
    width = max(len(row[0].scenario.label) for row in pages)
    header = f"{'page':<{width}}" + "".join(f"  {f'{scale}×: ms':>9} {'× bare':>6} {'queries':>7}" for scale in scales)
    header += f"  {'goal ' + format(GOAL_RATIO, 'g') + '×':>7}  target"
    lines = [header]
    passed = True
    for row in pages:
        by_scale = dict(zip(scales, row, strict=True))
        line = f"{row[0].scenario.label:<{width}}" + "".join(
            f"  {result.median_ms:9.2f} {ratio(result, bare[scale]):6.1f} {len(result.queries):7d}"
            for scale, result in by_scale.items()
        )
        if row[0] is bare[scales[0]]:
            lines.append(line + f"  {'':>7}  (the baseline)")
            continue
        misses = verdict(by_scale, bare)
        passed = passed and not misses
        goal = all(ratio(result, bare[scale]) <= GOAL_RATIO for scale, result in by_scale.items())
        outcome = "FAIL: " + "; ".join(misses) if misses else "PASS"
        lines.append(line + f"  {'yes' if goal else 'no':>7}  {outcome}")
    lines.insert(1, "-" * len(header))
    lines.append("")
    lines.append(
        f"Targets per page, at every scale: ≤ {TARGET_RATIO:g}× the bare view's median (goal {GOAL_RATIO:g}×), "
        f"≤ {MAX_QUERIES} queries, the same query count at every scale."
    )
    lines.append(
        f"queries: every statement one request sends (BEGIN/COMMIT included), from {CAPTURED_RUNS} more requests per"
    )
    lines.append("page under CaptureQueriesContext, apart from the timed ones.")
    if len(scales) > 1:
        differ = [
            f"{row[0].scenario.label} ({' vs '.join(str(len(result.queries)) for result in row)})"
            for row in pages
            if len({len(result.queries) for result in row}) > 1
        ]
        versus = " vs ".join(f"{scale}×" for scale in scales)
        lines.append(
            f"Query counts {versus}: "
            + (f"equal on all {len(pages)} pages." if not differ else "DIFFER on " + ", ".join(differ) + ".")
        )
    return lines, passed


def slowest_queries(results: list[Result], *, explain_all: bool, threshold_ms: float) -> list[str]:
    """The slowest query of each page; EXPLAIN ANALYZE for the slow ones (or all, with --explain)."""
    lines = ["Slowest query per page (median of the captured requests):"]
    explained = set()
    for result in results:
        if not result.queries:
            continue
        query = max(result.queries, key=lambda q: q["ms"])
        ms, sql = query["ms"], query["sql"]
        lines.append(f"  {result.scenario.label}: {ms:.2f} ms  {_shorten(sql)}")
        if (explain_all or ms >= threshold_ms) and sql.lstrip().upper().startswith("SELECT") and sql not in explained:
            explained.add(sql)
            lines.append("")
            lines.append(f"    EXPLAIN ANALYZE {sql}")
            lines.extend(f"    {line}" for line in explain(sql))
            lines.append("")
    return lines


def all_queries(results: list[Result]) -> list[str]:
    lines = []
    for result in results:
        lines.append(f"{result.scenario.label} ({len(result.queries)} queries):")
        lines.extend(f"  {query['ms']:6.2f} ms  {_shorten(query['sql'], 200)}" for query in result.queries)
    return lines


def explain(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return [row[0] for row in cursor.fetchall()]


def _shorten(sql: str, length: int = 160) -> str:
    sql = " ".join(sql.split())
    return sql if len(sql) <= length else sql[: length - 1] + "…"
