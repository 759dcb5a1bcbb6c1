"""A seeded, reproducible corpus of task-allocation plans for benchmarks and parser tests.

Writes ``N`` plain-text plans (UTF-8) into a directory, half in the Guangxi
field-line layout (``牵头单位:`` / ``参加单位:`` / ``预期成果和时间进度:`` lines under
each ``(一)`` item) and half in the inline-parenthetical layout (``……。（牵头单位：X；
配合单位：Y、Z）`` or ``（X牵头，Y、Z配合）`` at the end of each item), issued by about 30
jurisdictions (State Council, provinces, cities) whose agencies are written the
way real documents write them: the 自治区/省/市 prefix written or dropped,
发展改革委 or 发改委, lists joined by 、 or , or ，, collective actors (各市人民政府 …).

Beside the documents it writes ``truth.json``: for every document its layout,
jurisdiction, document number and, for every task, the leads and participants
as written (surface form) and as meant (agency key). Tests compare the parsed
graph with it, so the generator is a parser test too.

Document *i* depends only on the seed and *i*, so the 100-document corpus is
the first 100 documents of the 1,000-document one.

Usage::

    python benchmarks/generate.py --docs 1000 --out /tmp/corpus-1000 [--seed 20240601] [--layouts fieldlines,inline]

>>> docs = [generate_document(i, seed=1) for i in range(2)]
>>> [d.layout for d in docs]
['fieldlines', 'inline']
>>> 55 <= len(docs[0].tasks) <= 77
True
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tables import (  # noqa: E402 - the tables sit beside this script
    ADDRESSEES,
    AGENCIES,
    COLLECTIVES,
    ELABORATIONS,
    GX_AGENCIES,
    JURISDICTIONS,
    OBJECTS,
    OUTPUTS,
    SECTIONS,
    TARGETS,
    VERBS,
)

__all__ = ["generate_document", "generate_corpus", "Document", "Mention", "Task", "numeral", "LAYOUTS", "DEFAULT_SEED"]

DEFAULT_SEED = 20240601
LAYOUTS = ("fieldlines", "inline")
#: Mean tasks per document (the Guangxi plan has 66) and the spread around it.
TASKS_MEAN, TASKS_SPREAD = 66, 8
_DIGITS = "零一二三四五六七八九"
_IDEO = "\u3000\u3000"  # the two ideographic spaces that indent paragraphs


def numeral(n: int) -> str:
    """A Chinese numeral for 1…99, as item and section numbers are written.

    >>> [numeral(n) for n in (1, 10, 17, 20, 66)]
    ['一', '十', '十七', '二十', '六十六']
    """
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


@dataclass
class Mention:
    """One actor named for a task: as written, and the agency meant."""

    surface: str
    agency: str  # registry-style key (drc, housing …) or "collective:<name>"


@dataclass
class Task:
    number: int
    numeral: str
    section: int
    kind: str  # target | task
    leads: list[Mention] = field(default_factory=list)
    participants: list[Mention] = field(default_factory=list)


@dataclass
class Document:
    index: int
    file: str
    layout: str
    jurisdiction: str
    issuer: str
    doc_number: str
    text: str = field(repr=False, default="")
    tasks: list[Task] = field(default_factory=list)

    def truth(self) -> dict:
        """The ground truth of this document (everything but its text)."""
        d = asdict(self)
        d.pop("text")
        return d


def _level(j: dict) -> str:
    return "gx" if j["level"] == "gx" else j["level"]


def _agency_pool(j: dict) -> dict[str, list[str]]:
    if j["level"] == "gx":
        return GX_AGENCIES
    level = j["level"]
    return {key: forms[level] for key, forms in AGENCIES.items()}


def _surface(rng: random.Random, j: dict, forms: list[str]) -> str:
    form = forms[0] if rng.random() < 0.6 else rng.choice(forms)
    # The prefix is written about half the time, the full place name rarely.
    prefixes = j["prefixes"]
    weights = [0.45, 0.45, 0.1][: len(prefixes)]
    prefix = rng.choices(prefixes, weights=weights)[0]
    return form.replace("{p}", prefix)


def _actors(rng: random.Random, j: dict, pool: dict[str, list[str]], taken: set[str], n: int, collective: float) -> list[Mention]:
    out: list[Mention] = []
    keys = [k for k in pool if k not in taken]
    for key in rng.sample(keys, min(n, len(keys))):
        taken.add(key)
        out.append(Mention(_surface(rng, j, pool[key]), key))
    if rng.random() < collective:
        options = [c for c in COLLECTIVES[_level(j)] if f"collective:{c[1]}" not in taken]
        if options:
            ckey, name = rng.choice(options)
            taken.add(f"collective:{name}")
            out.append(Mention(name, ckey or f"collective:{name}"))
    return out


def _join(rng: random.Random, mentions: list[Mention], inline: bool) -> str:
    """Names joined the way documents join them.

    Field lines use 、 and sometimes , or ， (before a collective actor most
    often, as in the Guangxi plan); inside an inline parenthetical only 、 is
    unambiguous, because ， and ； there separate the lead from the participants.
    """
    if not mentions:
        return ""
    text = mentions[0].surface
    for m in mentions[1:]:
        if inline:
            sep = "、"
        elif _is_collective(m):
            sep = rng.choice([",", "，", "、"])
        else:
            sep = "、" if rng.random() < 0.85 else rng.choice([",", "，"])
        text += sep + m.surface
    return text


def _is_collective(m: Mention) -> bool:
    return m.agency.startswith("collective:") or m.agency in {k for level in COLLECTIVES.values() for k, _ in level if k}


def _task_text(rng: random.Random, kind: str, target: tuple | None = None) -> str:
    if kind == "target":
        text, low, high = target
        value = rng.randint(low, high)
        return text.format(v=value) + "。"
    verb, obj = rng.choice(VERBS), rng.choice(OBJECTS)
    parts = [f"{verb}{obj}"] + rng.sample(ELABORATIONS, rng.randint(1, 3))
    return "。".join(parts[:1]) + "。" + ",".join(parts[1:]) + "。"


def generate_document(index: int, seed: int = DEFAULT_SEED, layouts: tuple[str, ...] = LAYOUTS) -> Document:
    """Document number *index* of the corpus of *seed* (its text and ground truth)."""
    rng = random.Random(f"{seed}:{index}")
    j = JURISDICTIONS[index % len(JURISDICTIONS)] if index < len(JURISDICTIONS) else rng.choice(JURISDICTIONS)
    layout = layouts[index % len(layouts)]
    # (year, number) pairs are unique across the corpus, so plan IRIs never collide.
    year = 2014 + index % 10
    number = (index // 10) * 3 + rng.randint(1, 3)
    doc_number = f"{j['abbrev']}〔{year}〕{number}号"
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    place = j["place"] or "全国"
    theme = rng.choice(["新型城镇化", "乡村振兴", "优化营商环境", "生态文明建设", "公共服务提升", "数字政府建设"])
    plan_title = f"{place}{theme}重点任务分工方案"
    doc = Document(index, f"doc-{index + 1:04d}.txt", layout, j["key"], j["issuer"], doc_number)
    fullwidth = layout == "inline" or rng.random() < 0.5
    lp, rp = ("（", "）") if fullwidth else ("(", ")")
    colon = "：" if layout == "inline" or rng.random() < 0.3 else ":"
    lines = [
        f"{j['issuer']}关于印发{plan_title}的通知（{doc_number}）",
        ADDRESSEES[_level(j)],
        "",
        f"{_IDEO}经{'国务院' if j['level'] == 'national' else (j['prefixes'][0] or '') + '人民政府'}同意,现将《{plan_title}》印发给你们,请认真贯彻执行。",
        "",
        f"{_IDEO}{j['issuer']}",
        "",
        f"{_IDEO}{year}年{month}月{day}日",
        "",
        f"{_IDEO}{plan_title}",
        "",
        f"{_IDEO}为全面贯彻落实《关于{theme}的意见》({j['abbrev'][0]}发〔{year - 1}〕{rng.randint(1, 30)}号)精神,确保各项任务顺利完成,特制定如下分工方案。",
        "",
    ]
    pool = _agency_pool(j)
    n_tasks = rng.randint(TASKS_MEAN - TASKS_SPREAD, TASKS_MEAN + TASKS_SPREAD)
    n_sections = rng.randint(6, 10)
    titles = ["主要目标"] + rng.sample(SECTIONS, n_sections - 1)
    # Tasks per section: a few targets first, the rest spread over the sections.
    n_targets = rng.randint(6, len(TARGETS))
    targets = rng.sample(TARGETS, n_targets)
    per = [n_targets] + [0] * (n_sections - 1)
    for k in range(n_tasks - n_targets):
        per[1 + k % (n_sections - 1)] += 1
    number_in_doc = 0
    for s, title in enumerate(titles, start=1):
        lines += [f"{_IDEO}{numeral(s)}、{title}", ""]
        for _ in range(per[s - 1]):
            number_in_doc += 1
            kind = "target" if s == 1 else "task"
            taken: set[str] = set()
            leads = _actors(rng, j, pool, taken, rng.choices([1, 2, 3], weights=[0.7, 0.22, 0.08])[0], 0.05)
            participants = _actors(rng, j, pool, taken, rng.choices([0, 1, 2, 3, 4, 6], weights=[0.3, 0.15, 0.2, 0.15, 0.1, 0.1])[0], 0.3)
            task = Task(number_in_doc, numeral(number_in_doc), s, kind, leads, participants)
            doc.tasks.append(task)
            text = _task_text(rng, kind, targets[number_in_doc - 1] if kind == "target" else None)
            due = f"{rng.randint(year, year + 6)}"
            head = f"{_IDEO}{lp}{numeral(number_in_doc)}{rp}{text}"
            if layout == "fieldlines":
                lines += [head, ""]
                lines += [f"{_IDEO}牵头单位{colon}{_join(rng, leads, False)}", ""]
                if participants:
                    lines += [f"{_IDEO}参加单位{colon}{_join(rng, participants, False)}", ""]
                if kind == "target":
                    lines += [f"{_IDEO}完成时间{colon}{due}年", ""]
                else:
                    lines += [f"{_IDEO}预期成果和时间进度{colon}{rng.choice(OUTPUTS).format(y=due)}。", ""]
                continue
            lead_text, part_text = _join(rng, leads, True), _join(rng, participants, True)
            if kind == "task" and rng.random() < 0.5:
                text = text[:-1] + f",{rng.choice(OUTPUTS).format(y=due)}。"
            if rng.random() < 0.5:
                paren = f"牵头单位：{lead_text}" + (f"{rng.choice(['；', '，'])}配合单位：{part_text}" if participants else "")
            else:
                paren = f"{lead_text}牵头" + (f"，{part_text}配合" if participants else "")
            lines += [f"{_IDEO}{lp}{numeral(number_in_doc)}{rp}{text}（{paren}）", ""]
    doc.text = "\n".join(lines) + "\n"
    return doc


def generate_corpus(n: int, out: str | Path, seed: int = DEFAULT_SEED, layouts: tuple[str, ...] = LAYOUTS) -> dict:
    """Write *n* documents and ``truth.json`` into *out*; return the ground truth."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    truth = {"seed": seed, "layouts": list(layouts), "documents": []}
    for i in range(n):
        doc = generate_document(i, seed, layouts)
        _write_atomic(out / doc.file, doc.text.encode("utf-8"))
        truth["documents"].append(doc.truth())
    truth["tasks"] = sum(len(d["tasks"]) for d in truth["documents"])
    _write_atomic(out / "truth.json", json.dumps(truth, ensure_ascii=False, indent=1).encode("utf-8"))
    return truth


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100, help="number of documents (default 100)")
    ap.add_argument("--out", required=True, help="directory to write the documents and truth.json into")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--layouts", default=",".join(LAYOUTS), help="comma-separated layouts to alternate (default: both)")
    args = ap.parse_args(argv)
    layouts = tuple(x for x in args.layouts.split(",") if x)
    unknown = set(layouts) - set(LAYOUTS)
    if unknown or not layouts:
        ap.error(f"unknown layout(s): {', '.join(sorted(unknown)) or '(none)'}; choose from {', '.join(LAYOUTS)}")
    truth = generate_corpus(args.docs, args.out, args.seed, layouts)
    print(f"wrote {args.docs} documents ({truth['tasks']} tasks) and truth.json to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
