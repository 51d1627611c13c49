"""Write the synthetic, MRPC-shaped paraphrase sample under data/mrpc/ (GLUE's tsv layout).

Each pair comes from one invented news *fact* (a company result, a market move, a match, a storm,
a court ruling, a vote). A positive pair renders the same fact twice with different templates and
synonyms (clause order, active/passive, dropped attribution). A negative pair keeps most of the
words but changes one fact (a number, a name, a date, the direction of a change) or says
something else about the same subject: the hard negatives that make MRPC hard.

Deterministic: the same seed writes byte-identical files. Run from the repository root:

    python data/make_mrpc_sample.py           # data/mrpc: the easy sample the lessons store their outputs on
    python data/make_mrpc_sample.py --hard    # data/mrpc_hard: a proxy as hard for the stand-in as real MRPC

The hard sample (see data/README.md) has real MRPC's split sizes and 68/32 label split, mostly hard
negatives that keep one sentence's template with one fact changed, negatives that add a sentence of new
information, paraphrases with a small attribution added, and labels flipped at the rate annotators
disagree on MRPC's pairs.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable
from pathlib import Path

POSITIVE_RATE = 0.68  # MRPC's training split is 67.4 % positive
SPLIT_SIZES = {"train": 1800, "dev": 400, "test": 400}
SEED = 1234

FIRST = ["Alan", "Maria", "David", "Susan", "James", "Linda", "Robert", "Karen", "Thomas", "Nancy",
         "Peter", "Laura", "Daniel", "Helen", "Mark", "Sarah", "Paul", "Anne", "George", "Julia"]
LAST = ["Harper", "Okafor", "Lindqvist", "Moreno", "Brennan", "Tanaka", "Whitfield", "Kowalski",
        "Duarte", "Ashby", "Novak", "Castillo", "Pryor", "Haddad", "Sommers", "Ibarra", "Quinlan",
        "Ferris", "Nakamura", "Delaney"]
COMPANIES = ["Northwind Systems", "Altera Biotech", "Crestline Foods", "Bluewater Energy",
             "Halcyon Software", "Pinecrest Bank", "Meridian Airlines", "Sterling Motors",
             "Ironbridge Steel", "Lumen Telecom", "Granite Insurance", "Redfield Pharmaceuticals",
             "Oakmont Retail", "Silverline Media", "Cobalt Semiconductor", "Harbor Logistics"]
CITIES = ["Chicago", "Boston", "Denver", "Seattle", "Atlanta", "Houston", "Phoenix", "Portland",
          "Dallas", "Miami", "Detroit", "Baltimore", "Oakland", "Cleveland", "Memphis", "Tampa"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
QUARTERS = ["first-quarter", "second-quarter", "third-quarter", "fourth-quarter"]
TEAMS = ["Hawks", "Rangers", "Pilots", "Comets", "Bears", "Mariners", "Wolves", "Titans",
         "Falcons", "Royals", "Stallions", "Pioneers"]
INDEXES = ["the Dow Jones industrial average", "the Nasdaq composite index",
           "the Standard & Poor's 500 index", "the Russell 2000 index"]
CRIMES = ["fraud", "bribery", "tax evasion", "embezzlement", "perjury", "money laundering"]
TOPICS = ["education", "highway", "energy", "health care", "farm", "water", "housing", "tax"]
STATES = ["Ohio", "Texas", "Oregon", "Georgia", "Nevada", "Virginia", "Iowa", "Michigan"]

Fact = dict[str, object]
Render = Callable[[Fact, random.Random], str]


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def other(rng: random.Random, pool: list, current: object) -> object:
    return rng.choice([x for x in pool if x != current])


# ---------------------------------------------------------------- company results
def results_fact(rng: random.Random) -> Fact:
    return {"company": rng.choice(COMPANIES), "quarter": rng.choice(QUARTERS),
            "metric": rng.choice(["profit", "revenue", "sales"]), "up": rng.random() < 0.6,
            "pct": rng.randint(2, 45), "value": rng.randint(12, 980), "day": rng.choice(DAYS),
            "ceo": person(rng)}


def results_views(f: Fact, rng: random.Random) -> list[str]:
    move = rng.choice(["rose", "climbed", "increased", "grew"] if f["up"] else ["fell", "dropped", "declined", "slid"])
    noun = "increase" if f["up"] else "decline"
    c, q, m, p, v, d = f["company"], f["quarter"], f["metric"], f["pct"], f["value"], f["day"]
    return [
        f"{c} said on {d} that its {q} {m} {move} {p} percent to ${v} million.",
        f"{str(m).capitalize()} at {c} {move} {p} percent to ${v} million in the {q}, the company said {d}.",
        f"{c} reported a {p} percent {noun} in {q} {m}, to ${v} million.",
        f"The company's {q} {m} {move} {p}% to ${v} million, {c} announced on {d}.",
        f"In the {q}, {c} saw {m} of ${v} million, a {p} percent {noun} from a year earlier.",
    ]


def results_change(f: Fact, rng: random.Random) -> tuple[Fact, str]:
    kind = rng.choice(["pct", "value", "quarter", "up", "company"])
    g = dict(f)
    if kind == "pct":
        g["pct"] = other(rng, list(range(2, 46)), f["pct"])
    elif kind == "value":
        g["value"] = other(rng, list(range(12, 981)), f["value"])
    elif kind == "quarter":
        g["quarter"] = other(rng, QUARTERS, f["quarter"])
    elif kind == "up":
        g["up"] = not f["up"]
    else:
        g["company"] = other(rng, COMPANIES, f["company"])
    return g, kind


def results_aside(f: Fact, rng: random.Random) -> str:
    return rng.choice([
        f"{f['company']} named {f['ceo']} as its new chief executive on {f['day']}.",
        f"{f['company']} said on {f['day']} it would cut about {rng.randint(2, 40) * 50} jobs.",
        f"Shares of {f['company']} closed at ${rng.randint(8, 90)}.{rng.randint(10, 99)} on {f['day']}.",
    ])


# ---------------------------------------------------------------- markets
def market_fact(rng: random.Random) -> Fact:
    return {"index": rng.choice(INDEXES), "up": rng.random() < 0.5, "points": rng.randint(3, 190),
            "close": rng.randint(1200, 11000), "day": rng.choice(DAYS), "pct": rng.randint(1, 29) / 10}


def market_views(f: Fact, rng: random.Random) -> list[str]:
    move = rng.choice(["rose", "gained", "climbed"] if f["up"] else ["fell", "lost", "slipped"])
    idx, pts, close, d, pct = f["index"], f["points"], f["close"], f["day"], f["pct"]
    return [
        f"{str(idx)[0].upper() + str(idx)[1:]} {move} {pts} points to close at {close:,} on {d}.",
        f"On {d}, {idx} {move} {pts} points, or {pct} percent, ending at {close:,}.",
        f"{str(idx)[0].upper() + str(idx)[1:]} finished {d} at {close:,}, {'up' if f['up'] else 'down'} {pts} points.",
        f"By the close on {d}, {idx} had {move} {pct} percent to {close:,}.",
    ]


def market_change(f: Fact, rng: random.Random) -> tuple[Fact, str]:
    kind = rng.choice(["points", "close", "day", "up", "index"])
    g = dict(f)
    if kind == "points":
        g["points"] = other(rng, list(range(3, 191)), f["points"])
    elif kind == "close":
        g["close"] = other(rng, list(range(1200, 11001)), f["close"])
    elif kind == "day":
        g["day"] = other(rng, DAYS, f["day"])
    elif kind == "up":
        g["up"] = not f["up"]
    else:
        g["index"] = other(rng, INDEXES, f["index"])
    return g, kind


def market_aside(f: Fact, rng: random.Random) -> str:
    return rng.choice([
        f"Trading volume on {f['day']} was about {rng.randint(9, 25) / 10} billion shares.",
        f"Treasury yields moved {'higher' if rng.random() < 0.5 else 'lower'} on {f['day']} as investors waited for jobs data.",
        f"Analysts said {f['index']} could stay volatile until the Federal Reserve meets again.",
    ])


# ---------------------------------------------------------------- sports
def sports_fact(rng: random.Random) -> Fact:
    home, away = rng.sample(TEAMS, 2)
    w = rng.randint(85, 125)
    return {"winner": home, "loser": away, "w": w, "l": w - rng.randint(1, 25), "player": person(rng),
            "pts": rng.randint(18, 45), "city": rng.choice(CITIES), "day": rng.choice(DAYS)}


def sports_views(f: Fact, rng: random.Random) -> list[str]:
    w, lo, a, b, pl, pts, city, d = (f["winner"], f["loser"], f["w"], f["l"], f["player"], f["pts"],
                                     f["city"], f["day"])
    return [
        f"{pl} scored {pts} points as the {w} beat the {lo} {a}-{b} in {city} on {d}.",
        f"The {w} defeated the {lo} {a}-{b} on {d} night in {city}, led by {pts} points from {pl}.",
        f"The {lo} lost {a}-{b} to the {w} in {city} on {d} despite a strong defense, as {pl} had {pts} points.",
        f"Behind {pts} points from {pl}, the {w} won {a}-{b} against the {lo} on {d}.",
    ]


def sports_change(f: Fact, rng: random.Random) -> tuple[Fact, str]:
    kind = rng.choice(["pts", "score", "winner", "player", "city"])
    g = dict(f)
    if kind == "pts":
        g["pts"] = other(rng, list(range(18, 46)), f["pts"])
    elif kind == "score":
        g["w"] = other(rng, list(range(int(f["l"]) + 1, 126)), f["w"])
    elif kind == "winner":
        g["winner"], g["loser"] = f["loser"], f["winner"]
    elif kind == "player":
        while g["player"] == f["player"]:
            g["player"] = person(rng)
    else:
        g["city"] = other(rng, CITIES, f["city"])
    return g, kind


def sports_aside(f: Fact, rng: random.Random) -> str:
    return rng.choice([
        f"The {f['winner']} have now won {rng.randint(3, 9)} straight games at home.",
        f"{f['player']} missed practice on {f['day']} with a sore ankle, the {f['winner']} said.",
        f"Tickets for the {f['winner']}' next game in {f['city']} sold out within an hour.",
    ])


# ---------------------------------------------------------------- weather
def weather_fact(rng: random.Random) -> Fact:
    return {"storm": rng.choice(["snowstorm", "ice storm", "thunderstorm", "blizzard"]),
            "state": rng.choice(STATES), "homes": rng.randint(5, 400) * 1000, "inches": rng.randint(2, 30),
            "day": rng.choice(DAYS), "deaths": rng.randint(0, 6)}


def weather_views(f: Fact, rng: random.Random) -> list[str]:
    s, st, h, i, d = f["storm"], f["state"], f["homes"], f["inches"], f["day"]
    return [
        f"A {s} dropped up to {i} inches of snow across {st} on {d}, leaving {h:,} homes without power.",
        f"About {h:,} homes in {st} lost power on {d} after a {s} brought as much as {i} inches of snow.",
        f"Power was knocked out to {h:,} homes when the {s} hit {st} {d} with up to {i} inches of snow, officials said.",
        f"The {s} that swept through {st} on {d} left {h:,} customers in the dark and {i} inches of snow.",
    ]


def weather_change(f: Fact, rng: random.Random) -> tuple[Fact, str]:
    kind = rng.choice(["homes", "inches", "state", "day"])
    g = dict(f)
    if kind == "homes":
        g["homes"] = other(rng, [k * 1000 for k in range(5, 401)], f["homes"])
    elif kind == "inches":
        g["inches"] = other(rng, list(range(2, 31)), f["inches"])
    elif kind == "state":
        g["state"] = other(rng, STATES, f["state"])
    else:
        g["day"] = other(rng, DAYS, f["day"])
    return g, kind


def weather_aside(f: Fact, rng: random.Random) -> str:
    return rng.choice([
        f"Schools across {f['state']} will stay closed until the roads are cleared, the governor said.",
        f"Forecasters expect temperatures in {f['state']} to rise above freezing by the weekend.",
        f"Utility crews from {rng.randint(3, 12)} states were sent to {f['state']} on {f['day']}.",
    ])


# ---------------------------------------------------------------- courts
def court_fact(rng: random.Random) -> Fact:
    return {"defendant": person(rng), "judge": person(rng), "years": rng.randint(2, 25),
            "crime": rng.choice(CRIMES), "city": rng.choice(CITIES), "day": rng.choice(DAYS),
            "convicted": True}


def court_views(f: Fact, rng: random.Random) -> list[str]:
    de, ju, y, cr, city, d = f["defendant"], f["judge"], f["years"], f["crime"], f["city"], f["day"]
    if not f["convicted"]:
        return [
            f"A federal jury in {city} acquitted {de} of {cr} charges on {d}.",
            f"{de} was found not guilty of {cr} by a jury in {city} on {d}.",
        ]
    return [
        f"A federal judge in {city} sentenced {de} to {y} years in prison on {d} for {cr}.",
        f"{de} was sentenced on {d} to {y} years in prison for {cr} by U.S. District Judge {ju} in {city}.",
        f"On {d}, {de} received a {y}-year prison sentence for {cr} in {city}.",
        f"Judge {ju} ordered {de} to serve {y} years for {cr}, the court in {city} said {d}.",
    ]


def court_change(f: Fact, rng: random.Random) -> tuple[Fact, str]:
    kind = rng.choice(["years", "crime", "defendant", "convicted"])
    g = dict(f)
    if kind == "years":
        g["years"] = other(rng, list(range(2, 26)), f["years"])
    elif kind == "crime":
        g["crime"] = other(rng, CRIMES, f["crime"])
    elif kind == "defendant":
        while g["defendant"] == f["defendant"]:
            g["defendant"] = person(rng)
    else:
        g["convicted"] = False
    return g, kind


def court_aside(f: Fact, rng: random.Random) -> str:
    return rng.choice([
        f"Lawyers for {f['defendant']} said they would appeal the verdict.",
        f"{f['defendant']} had pleaded not guilty to the {f['crime']} charges in {rng.choice(['March', 'June', 'October'])}.",
        f"Prosecutors in {f['city']} said the investigation into {f['crime']} was continuing.",
    ])


# ---------------------------------------------------------------- politics
def vote_fact(rng: random.Random) -> Fact:
    yes = rng.randint(51, 90)
    return {"chamber": rng.choice(["Senate", "House"]), "state": rng.choice(STATES),
            "topic": rng.choice(TOPICS), "yes": yes, "no": rng.randint(5, 100 - yes + 4),
            "sponsor": person(rng), "day": rng.choice(DAYS), "passed": True}


def vote_views(f: Fact, rng: random.Random) -> list[str]:
    ch, st, t, y, n, sp, d = f["chamber"], f["state"], f["topic"], f["yes"], f["no"], f["sponsor"], f["day"]
    verb = "approved" if f["passed"] else "rejected"
    return [
        f"The {st} {ch} {verb} the {t} bill {y}-{n} on {d}.",
        f"On {d}, lawmakers in the {st} {ch} voted {y}-{n} to {'pass' if f['passed'] else 'block'} a {t} bill sponsored by {sp}.",
        f"A {t} bill backed by {sp} was {verb} {y}-{n} by the {st} {ch} on {d}.",
        f"{sp}'s {t} measure was {verb} by the {ch} in {st} in a {y}-{n} vote, officials said {d}.",
    ]


def vote_change(f: Fact, rng: random.Random) -> tuple[Fact, str]:
    kind = rng.choice(["yes", "topic", "chamber", "passed", "state"])
    g = dict(f)
    if kind == "yes":
        g["yes"] = other(rng, list(range(51, 91)), f["yes"])
    elif kind == "topic":
        g["topic"] = other(rng, TOPICS, f["topic"])
    elif kind == "chamber":
        g["chamber"] = "House" if f["chamber"] == "Senate" else "Senate"
    elif kind == "passed":
        g["passed"] = False
    else:
        g["state"] = other(rng, STATES, f["state"])
    return g, kind


def vote_aside(f: Fact, rng: random.Random) -> str:
    return rng.choice([
        f"{f['sponsor']} said on {f['day']} that {f['sponsor'].split()[0]} would run for governor of {f['state']}.",
        f"The {f['state']} {f['chamber']} is expected to take up the budget next month.",
        f"Critics of the {f['topic']} bill said it would cost the state about ${rng.randint(2, 90)} million a year.",
    ])


DOMAINS = [
    (results_fact, results_views, results_change, results_aside),
    (market_fact, market_views, market_change, market_aside),
    (sports_fact, sports_views, sports_change, sports_aside),
    (weather_fact, weather_views, weather_change, weather_aside),
    (court_fact, court_views, court_change, court_aside),
    (vote_fact, vote_views, vote_change, vote_aside),
]


def make_pair(rng: random.Random) -> tuple[str, str, int]:
    """One sentence pair and its label (1 = paraphrase)."""
    new_fact, views, change, aside = rng.choice(DOMAINS)
    fact = new_fact(rng)
    first, second = rng.sample(range(len(views(fact, rng))), 2)
    s1 = views(fact, rng)[first]
    if rng.random() < POSITIVE_RATE:
        s2, label = views(fact, rng)[second], 1
    elif rng.random() < 0.5:  # a hard negative: one fact changed, most words kept
        changed, _ = change(fact, rng)
        changed_views = views(changed, rng)
        s2, label = changed_views[rng.choice([first, second]) % len(changed_views)], 0
    else:  # same subject, something else said about it
        s2, label = aside(fact, rng), 0
    if rng.random() < 0.5:
        s1, s2 = s2, s1
    return s1, s2, label


# The hard sample: real MRPC's sizes (3,668 / 408 training / validation pairs; the test split is kept small).
HARD_SPLIT_SIZES = {"train": 3668, "dev": 408, "test": 400}
HARD_SEED = 4321
LABEL_NOISE = 0.15  # MRPC's annotators disagreed on ~17 % of its pairs: a label flipped at this rate
# Before the flips: the clean positive rate that leaves MRPC's 68 % positives after them.
HARD_POSITIVE_RATE = (POSITIVE_RATE - LABEL_NOISE) / (1 - 2 * LABEL_NOISE)
ATTRIBUTIONS = [", officials said", ", according to a statement", ", a spokesman said", ", reports said",
                ", people familiar with the matter said"]


def make_hard_pair(rng: random.Random) -> tuple[str, str, int]:
    """One pair of the hard sample: little word overlap in paraphrases, much in negatives, noisy labels."""
    new_fact, views, change, aside = rng.choice(DOMAINS)
    fact = new_fact(rng)
    first, second = rng.sample(range(len(views(fact, rng))), 2)
    s1 = views(fact, rng)[first]
    kind = rng.random()
    if rng.random() < HARD_POSITIVE_RATE:  # a paraphrase, sometimes with a minor attribution added
        s2, label = views(fact, rng)[second], 1
        if rng.random() < 0.3:
            s2 = s2[:-1] + rng.choice(ATTRIBUTIONS) + "."
    elif kind < 0.55:  # one fact changed, mostly in the very same template: high word overlap
        changed_views = views(change(fact, rng)[0], rng)
        template = first if rng.random() < 0.7 else second
        s2, label = changed_views[template % len(changed_views)], 0
    elif kind < 0.85:  # the same fact, plus a sentence of new information (MRPC calls that not equivalent)
        s2, label = views(fact, rng)[second] + " " + aside(fact, rng), 0
    else:  # same subject, something else said about it
        s2, label = aside(fact, rng), 0
    if rng.random() < LABEL_NOISE:
        label = 1 - label
    if rng.random() < 0.5:
        s1, s2 = s2, s1
    return s1, s2, label


def generate(seed: int = SEED, sizes: dict[str, int] = SPLIT_SIZES,
             pair: Callable[[random.Random], tuple[str, str, int]] = make_pair) -> dict[str, list[tuple[str, str, int]]]:
    """All splits; no sentence appears twice anywhere, so no pair is shared across splits."""
    rng = random.Random(seed)
    seen: set[str] = set()
    splits: dict[str, list[tuple[str, str, int]]] = {}
    for split, size in sizes.items():
        rows: list[tuple[str, str, int]] = []
        while len(rows) < size:
            s1, s2, label = pair(rng)
            if s1 == s2 or s1 in seen or s2 in seen:
                continue
            seen.update((s1, s2))
            rows.append((s1, s2, label))
        splits[split] = rows
    return splits


def write_tsv(path: Path, rows: list[tuple[str, str, int]], split: str, with_labels: bool) -> None:
    """GLUE's MRPC layout; like GLUE's test.tsv, the test file carries no labels."""
    header = ["Quality"] if with_labels else ["index"]
    lines = ["\t".join(header + ["#1 ID", "#2 ID", "#1 String", "#2 String"])]
    for i, (s1, s2, label) in enumerate(rows):
        first = str(label) if with_labels else str(i)
        prefix = list(SPLIT_SIZES).index(split) + 1
        ids = [f"{prefix}{2 * i + 1:06d}", f"{prefix}{2 * i + 2:06d}"]
        lines.append("\t".join([first, *ids, s1, s2]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hard", action="store_true", help="write the hard sample (data/mrpc_hard) instead")
    parser.add_argument("--out", type=Path, help="the folder (default: data/mrpc, or data/mrpc_hard with --hard)")
    parser.add_argument("--seed", type=int, help=f"default: {SEED}, or {HARD_SEED} with --hard")
    args = parser.parse_args()
    out = args.out or Path(__file__).parent / ("mrpc_hard" if args.hard else "mrpc")
    seed = args.seed if args.seed is not None else HARD_SEED if args.hard else SEED
    sizes, pair = (HARD_SPLIT_SIZES, make_hard_pair) if args.hard else (SPLIT_SIZES, make_pair)
    out.mkdir(parents=True, exist_ok=True)
    for split, rows in generate(seed, sizes, pair).items():
        write_tsv(out / f"{split}.tsv", rows, split, with_labels=split != "test")
        positive = sum(label for *_, label in rows) / len(rows)
        print(f"{split}: {len(rows)} pairs, {positive:.1%} paraphrases")


if __name__ == "__main__":
    main()
