"""The path of each kind of case, and who may take each step."""

from households.models import Status

from .models import Kind, StepCode

PATHS: dict[str, list[str]] = {
    Kind.IDENTIFY: [
        StepCode.APPLY,
        StepCode.ASSESS,
        StepCode.VERIFY,
        StepCode.NOTICE,
        StepCode.TOWNSHIP,
        StepCode.NOTICE2,
        StepCode.COUNTY,
        StepCode.ANNOUNCE,
    ],
    Kind.EXIT: [
        StepCode.ASSESS,
        StepCode.VERIFY,
        StepCode.AGREE,
        StepCode.NOTICE,
        StepCode.TOWNSHIP,
        StepCode.COUNTY,
        StepCode.ANNOUNCE,
    ],
    Kind.RETURN: [StepCode.ASSESS, StepCode.NOTICE, StepCode.TOWNSHIP, StepCode.COUNTY, StepCode.ANNOUNCE],
    Kind.REMOVE: [StepCode.ASSESS, StepCode.NOTICE, StepCode.TOWNSHIP, StepCode.COUNTY, StepCode.ANNOUNCE],
    # 自然减少 (the members died, moved away or joined another household): the short path, as 清退.
    Kind.DISSOLVE: [StepCode.ASSESS, StepCode.NOTICE, StepCode.TOWNSHIP, StepCode.COUNTY, StepCode.ANNOUNCE],
    # 贫困村出列: the village's assessment, verification against the year's exit rule, notice, township, county.
    Kind.VILLAGE_EXIT: [
        StepCode.ASSESS,
        StepCode.VERIFY,
        StepCode.NOTICE,
        StepCode.TOWNSHIP,
        StepCode.COUNTY,
        StepCode.ANNOUNCE,
    ],
}

# The kinds of a household's case (all but a village's exit), as the worklists and the notices list them.
HOUSEHOLD_KINDS: tuple[str, ...] = (Kind.IDENTIFY, Kind.EXIT, Kind.RETURN, Kind.REMOVE, Kind.DISSOLVE)

# Who takes a step: the village (clerks), the township reviewer, the county approver.
VILLAGE, TOWNSHIP, COUNTY = "village", "township", "county"
ACTOR: dict[str, str] = {
    StepCode.APPLY: VILLAGE,
    StepCode.ASSESS: VILLAGE,
    StepCode.VERIFY: VILLAGE,
    StepCode.AGREE: VILLAGE,
    StepCode.NOTICE: VILLAGE,
    StepCode.NOTICE2: VILLAGE,
    StepCode.TOWNSHIP: TOWNSHIP,
    StepCode.COUNTY: COUNTY,
    StepCode.ANNOUNCE: COUNTY,
}
NOTICES = (StepCode.NOTICE, StepCode.NOTICE2)
DECISIONS = (StepCode.TOWNSHIP, StepCode.COUNTY)
NOTICE_DAYS = 7
# A case waiting longer than this at a step (after its notice ended) is overdue.
OVERDUE_DAYS = 15

# The statuses a household must have for a case of each kind to open.
OPENS_FROM: dict[str, set[str]] = {
    Kind.IDENTIFY: {"", Status.REMOVED},
    Kind.EXIT: {Status.IDENTIFIED, Status.RETURNED, Status.EXITED_CONSOLIDATING},
    Kind.RETURN: {Status.EXITED_STABLE, Status.EXITED_CONSOLIDATING},
    Kind.REMOVE: {Status.IDENTIFIED, Status.RETURNED, Status.EXITED_STABLE, Status.EXITED_CONSOLIDATING},
    Kind.DISSOLVE: {Status.IDENTIFIED, Status.RETURNED, Status.EXITED_STABLE, Status.EXITED_CONSOLIDATING},
}
# The status the announcement writes (an exit's is decided at county approval).
RESULT: dict[str, str] = {
    Kind.IDENTIFY: Status.IDENTIFIED,
    Kind.RETURN: Status.RETURNED,
    Kind.REMOVE: Status.REMOVED,
    Kind.DISSOLVE: Status.DISSOLVED,
}
# Which kind of case recorded a status change (for the history).
KIND_OF_STATUS: dict[str, str] = {
    Status.IDENTIFIED: Kind.IDENTIFY,
    Status.EXITED_STABLE: Kind.EXIT,
    Status.EXITED_CONSOLIDATING: Kind.EXIT,
    Status.RETURNED: Kind.RETURN,
    Status.REMOVED: Kind.REMOVE,
    Status.DISSOLVED: Kind.DISSOLVE,
}


def next_step(kind: str, step: str) -> str:
    """The step after `step` on the path of `kind` ("" after the announcement)."""
    path = PATHS[kind]
    i = path.index(step)
    return path[i + 1] if i + 1 < len(path) else ""
