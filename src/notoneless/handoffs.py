"""The DuckDB tables one stage of ``notoneless run`` hands to a later one, named in one place.

Each ``HandOff`` is a table of the run's workspace (``Settings.paths.linkage``): its
name, the stage that writes it (a name in ``run.STAGE_NAMES``) and its columns. The
writer and every reader spell the table through these constants (``f"... FROM
{G_CONTACTS}"``), so renaming one is one edit here; each ``run.Stage`` lists the
tables it writes and reads, and ``tests/test_handoffs.py`` checks that every table a
stage reads was written by an earlier stage (or, for the load's TEMP tables, by the
same stage before it reads them) and that the tables a run leaves have the declared
columns. ``docs/workspace.md`` describes the columns.

Tables a module creates and drops again inside its own work (``__nol_*``, the
``g_person_keys``/``g_target_*`` of ``graph/targets.py``) are not hand-offs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HandOff:
    name: str
    writer: str  # the stage that writes it
    columns: tuple[str, ...]
    temp: bool = False  # a TEMP table: gone when the run's connection closes

    def __str__(self) -> str:
        return self.name


def _t(name: str, writer: str, columns: str, *, temp: bool = False) -> HandOff:
    return HandOff(name, writer, tuple(columns.split()), temp)


# --- ingest (bundle.ingest.ingest_bundle) ---------------------------------------------
MANIFEST = _t("manifest", "ingest", "name province_code term reference_date school_year_start")
DIVISIONS = _t("divisions", "ingest", "code name level parent_code")
SCHOOLS = _t("schools", "ingest", "school_id name county_code school_type")
PERSON_RECORDS = _t(
    "person_records", "ingest",
    "record_key source row_no fingerprint id_raw id_norm id_valid id_candidates id_issue id_prefix xueji_no "
    "name_raw name_norm surname given_name name_pinyin surname_pinyin given_pinyin name_swapped birth_date sex "
    "village_code town_code county_code school_id school_county household_key head_name guardian_name "
    "birth_county warnings",
)
HUKOU = _t("hukou", "ingest", "record_key ethnicity relation hukou_status")
XUEJI = _t("xueji", "ingest", "record_key school_id grade enrol_status hukou_code boarding")
FUPIN = _t("fupin", "ingest", "record_key poverty_type relation")
CANLIAN = _t("canlian", "ingest", "record_key disability_type disability_grade")
MINZHENG = _t("minzheng", "ingest", "record_key relief_type")
ZIZHU = _t("zizhu", "ingest", "record_key project amount term paying_county paid_date pay_method")
CONTACTS = _t(
    "contacts", "ingest",
    "row_key contact_id name phone unit duty_type target_raw target_norm status target_kind target_candidates warnings",
)
VISITS = _t(
    "visits", "ingest",
    "row_key contact_id target_raw target_norm visit_date method target_kind target_candidates warnings",
)
REJECTS = _t("rejects", "ingest", "record_key code reason")
INGEST_COUNTS = _t("ingest_counts", "ingest", "stem rows_in accepted rejected")

# --- link (linkage.scoring.link) ---------------------------------------------------------
LINKAGE_INPUT = _t(
    "linkage_input", "link",
    "record_key source id_norm id_valid id_keys xueji_no name_norm name_pinyin surname_pinyin given_pinyin "
    "name_bag birth_any birth_str name_village name_cohort sex village_code town_code county_code household_key "
    "carers is_head family_key",
)
# how common a name is in its village and among its birth year (linkage.name_frequency;
# read again by the household pass and by linkage.explain)
TF_NAME_VILLAGE = _t("tf_name_village", "link", "name_village tf_name_village")
TF_NAME_COHORT = _t("tf_name_cohort", "link", "name_cohort tf_name_cohort")
PREDICTIONS = _t("predictions", "link", "record_key_l record_key_r match_weight match_probability")
CLUSTERS = _t("clusters", "link", "record_key cluster_id")
ENTITIES = _t("entities", "link", "record_key person_id")
IDENTITY_CONFLICTS = _t(
    "identity_conflicts", "link", "record_key_l record_key_r match_weight match_probability code reason"
)
LINKAGE_STATS = _t("linkage_stats", "link", "stage seconds pairs")
# households as evidence (linkage.households): records whose valid ID number is a family
# member's, and the relation levels' estimated weights
RELATIVE_IDS = _t("relative_ids", "link", "record_key id_norm")
FAMILY_LEVELS = _t(
    "family_levels", "link", "level label pairs_same_person pairs_other m_probability u_probability match_weight"
)
# the scored pairs whose weight the pass moved by their relation level (read by linkage.explain)
FAMILY_PAIRS = _t("family_pairs", "link", "record_key_l record_key_r level")

# --- load (graph.load.load_graph): TEMP tables -------------------------------------------
# graph.targets.resolve_targets: the households and villages 包保对象 can name; read by
# contacts.effective (the officers' 三包 events) within the same load.
G_HOUSEHOLD_KEYS = _t("g_household_keys", "load", "key uid", temp=True)
G_VILLAGES = _t("g_villages", "load", "code", temp=True)
# graph.load: the Contact rows; contacts.effective merges the officers' contacts and
# status changes into it, then the load's Contact step reads it.
G_CONTACTS = _t("g_contacts", "load", "contact_id name phone unit status", temp=True)

HANDOFFS: tuple[HandOff, ...] = tuple(v for v in list(globals().values()) if isinstance(v, HandOff))
BY_NAME: dict[str, HandOff] = {t.name: t for t in HANDOFFS}


def written_by(stage: str) -> tuple[HandOff, ...]:
    """The hand-off tables ``stage`` writes, in declaration order."""
    return tuple(t for t in HANDOFFS if t.writer == stage)


def unwritten_reads(stages: Iterable[Any]) -> list[str]:
    """What is wrong with the hand-offs of ``stages`` (objects with ``name``, ``writes``,
    ``reads``, in run order): a table read that no earlier stage wrote (a stage may read
    its own TEMP tables), a table written by a stage other than its declared writer."""
    problems: list[str] = []
    written: set[str] = set()
    for stage in stages:
        own = {t.name for t in stage.writes}
        for t in stage.writes:
            if t.writer != stage.name:
                problems.append(f"stage {stage.name} writes {t.name}, declared as written by {t.writer}")
        for t in stage.reads:
            if t.name not in written and not (t.name in own and t.temp):
                problems.append(f"stage {stage.name} reads {t.name}, which no earlier stage writes")
        written |= own
    return problems
