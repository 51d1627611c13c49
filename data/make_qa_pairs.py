"""Write the question-answer set and the byte-level BPE tokenizer of lesson 05 under data/qa/.

Families, in the GPT QA pretraining tutorial's style (a question, a one-sentence answer): capital
cities, other stable facts, small arithmetic, unit conversions, opposites and simple definitions.
Most facts are asked in two phrasings (see ``generate``).
Deterministic: the same seed writes byte-identical files. Run from the repository root:

    python data/make_qa_pairs.py
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

SEED = 2024
VOCAB_SIZE = 1024
EOS = "<|endoftext|>"

CAPITALS = {
    "France": "Paris", "Germany": "Berlin", "Italy": "Rome", "Spain": "Madrid", "Portugal": "Lisbon",
    "Japan": "Tokyo", "China": "Beijing", "India": "New Delhi", "Egypt": "Cairo", "Kenya": "Nairobi",
    "Canada": "Ottawa", "Mexico": "Mexico City", "Brazil": "Brasilia", "Argentina": "Buenos Aires",
    "Peru": "Lima", "Chile": "Santiago", "Norway": "Oslo", "Sweden": "Stockholm", "Finland": "Helsinki",
    "Denmark": "Copenhagen", "Poland": "Warsaw", "Austria": "Vienna", "Greece": "Athens", "Ireland": "Dublin",
    "Russia": "Moscow", "Turkey": "Ankara", "Iran": "Tehran", "Iraq": "Baghdad", "Thailand": "Bangkok",
    "Vietnam": "Hanoi", "Indonesia": "Jakarta", "Australia": "Canberra", "New Zealand": "Wellington",
    "South Korea": "Seoul", "Cuba": "Havana", "Colombia": "Bogota", "Hungary": "Budapest",
    "Belgium": "Brussels", "the Netherlands": "Amsterdam", "Switzerland": "Bern", "Morocco": "Rabat",
    "Nigeria": "Abuja", "Ghana": "Accra", "Ethiopia": "Addis Ababa", "Pakistan": "Islamabad",
    "Bangladesh": "Dhaka", "the Philippines": "Manila", "Ukraine": "Kyiv", "Romania": "Bucharest",
    "Czechia": "Prague",
}
FACTS = [
    ("How many legs does a spider have?", "A spider has eight legs."),
    ("How many legs does an insect have?", "An insect has six legs."),
    ("How many days are in a week?", "A week has seven days."),
    ("How many months are in a year?", "A year has twelve months."),
    ("How many hours are in a day?", "A day has twenty-four hours."),
    ("How many sides does a triangle have?", "A triangle has three sides."),
    ("How many sides does a square have?", "A square has four sides."),
    ("How many sides does a hexagon have?", "A hexagon has six sides."),
    ("How many continents are there?", "There are seven continents."),
    ("How many planets are in the solar system?", "There are eight planets in the solar system."),
    ("What is the largest planet?", "The largest planet is Jupiter."),
    ("What is the closest star to Earth?", "The closest star to Earth is the Sun."),
    ("What is the largest ocean?", "The largest ocean is the Pacific Ocean."),
    ("What do bees make?", "Bees make honey."),
    ("What gas do plants take in?", "Plants take in carbon dioxide."),
    ("What gas do people breathe in?", "People breathe in oxygen."),
    ("At what temperature does water freeze?", "Water freezes at zero degrees Celsius."),
    ("At what temperature does water boil?", "Water boils at one hundred degrees Celsius."),
    ("What color is the sky on a clear day?", "The sky is blue on a clear day."),
    ("What color is grass?", "Grass is green."),
    ("Which animal is known as the king of the jungle?", "The lion is known as the king of the jungle."),
    ("What is the fastest land animal?", "The fastest land animal is the cheetah."),
    ("What is the tallest animal?", "The tallest animal is the giraffe."),
    ("What is the largest mammal?", "The largest mammal is the blue whale."),
    ("What do caterpillars turn into?", "Caterpillars turn into butterflies."),
    ("What is frozen water called?", "Frozen water is called ice."),
    ("Which season comes after winter?", "Spring comes after winter."),
    ("Which season comes after summer?", "Autumn comes after summer."),
    ("What is the first letter of the alphabet?", "The first letter of the alphabet is A."),
    ("How many letters are in the English alphabet?", "The English alphabet has twenty-six letters."),
]
OPPOSITES = [
    ("hot", "cold"), ("big", "small"), ("fast", "slow"), ("up", "down"), ("open", "closed"), ("light", "dark"),
    ("early", "late"), ("full", "empty"), ("happy", "sad"), ("strong", "weak"), ("young", "old"),
    ("wet", "dry"), ("loud", "quiet"), ("hard", "soft"), ("high", "low"), ("rich", "poor"), ("thick", "thin"),
    ("near", "far"), ("left", "right"), ("inside", "outside"), ("day", "night"), ("win", "lose"),
    ("buy", "sell"), ("push", "pull"), ("begin", "end"), ("first", "last"), ("heavy", "light"),
    ("clean", "dirty"), ("long", "short"), ("true", "false"), ("north", "south"), ("east", "west"),
    ("above", "below"), ("friend", "enemy"), ("question", "answer"), ("wide", "narrow"), ("sweet", "sour"),
    ("brave", "afraid"), ("awake", "asleep"), ("arrive", "leave"),
]
DEFINITIONS = [
    ("a triangle", "a shape with three sides"), ("a square", "a shape with four equal sides"),
    ("a circle", "a round shape with no corners"), ("a mammal", "an animal that feeds its young with milk"),
    ("a bird", "an animal with feathers and wings"), ("a fish", "an animal that lives and breathes in water"),
    ("a planet", "a large body that moves around a star"), ("a volcano", "a mountain that can erupt with lava"),
    ("an island", "land with water all around it"), ("a desert", "a dry place with very little rain"),
    ("a river", "a large stream of water that flows to the sea"), ("a forest", "a large area covered with trees"),
    ("a verb", "a word that names an action"), ("a noun", "a word that names a thing"),
    ("a library", "a place where people borrow books"), ("a hospital", "a place where sick people are treated"),
    ("a doctor", "a person who treats sick people"), ("a teacher", "a person who helps people learn"),
    ("a farmer", "a person who grows crops or raises animals"), ("a pilot", "a person who flies an airplane"),
    ("a calendar", "a chart of the days of the year"), ("a clock", "a device that shows the time"),
    ("a map", "a drawing of an area seen from above"), ("a bridge", "a structure that crosses over water"),
    ("a thermometer", "a device that measures temperature"), ("a magnet", "an object that attracts iron"),
    ("rain", "water that falls from clouds"), ("snow", "frozen water that falls from clouds"),
    ("a seed", "the part of a plant that grows into a new plant"), ("a root", "the part of a plant under the ground"),
]
UNITS = [
    ("meters", "centimeters", 100), ("kilometers", "meters", 1000), ("hours", "minutes", 60),
    ("minutes", "seconds", 60), ("kilograms", "grams", 1000), ("days", "hours", 24), ("weeks", "days", 7),
    ("liters", "milliliters", 1000), ("years", "months", 12),
]
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def arithmetic(rng: random.Random) -> list[tuple[str, str, str]]:
    """``(fact id, question, answer)`` for sums, differences and products of small numbers."""
    facts = []
    for a in range(1, 13):
        for b in range(1, 13):
            facts.append((f"{a}+{b}", f"{a} + {b}", f"add {a} and {b}", f"{a} + {b} equals {a + b}."))
            if a > b:
                facts.append((f"{a}-{b}", f"{a} - {b}", f"subtract {b} from {a}", f"{a} - {b} equals {a - b}."))
            if a <= 10 and b <= 10:
                facts.append((f"{a}*{b}", f"{a} times {b}", f"multiply {a} by {b}", f"{a} times {b} equals {a * b}."))
    return [(fact, question, answer)
            for fact, expression, words, answer in rng.sample(facts, 50)
            for question in (f"What is {expression}?", f"What do you get when you {words}?")]


def conversions(rng: random.Random) -> list[tuple[str, str, str]]:
    facts = [(f"{n} {big}", small, f"{n} {big} is {n * factor} {small}.")
             for big, small, factor in UNITS for n in range(2, 10)]
    return [(amount, question, answer)
            for amount, small, answer in rng.sample(facts, 24)
            for question in (f"How many {small} are in {amount}?", f"How many {small} is {amount}?")]


def generate(seed: int = SEED) -> list[dict[str, str]]:
    """All QA pairs, shuffled deterministically; every question is unique.

    Most facts are asked in two phrasings with the same answer, so a held-out question can be about a
    fact the model saw in training, asked differently: that part of the validation set rewards what
    the model memorised, the rest (facts asked only once) measures what it could not have seen.
    """
    rng = random.Random(seed)
    families = {
        "capital": [(country, question, f"The capital of {country} is {city}.")
                    for country, city in CAPITALS.items()
                    for question in (f"What is the capital of {country}?", f"Which city is the capital of {country}?")],
        "fact": [(question, question, answer) for question, answer in FACTS],
        "arithmetic": arithmetic(rng),
        "conversion": conversions(rng),
        "opposite": [(a, question, f"The opposite of {a} is {b}.") for a, b in OPPOSITES
                     for question in (f"What is the opposite of {a}?", f"Which word means the opposite of {a}?")],
        "definition": [(term, question, f"{term[0].upper() + term[1:]} is {meaning}.") for term, meaning in DEFINITIONS
                       for question in (f"What is {term}?", f"How would you define {term}?")],
    }
    rows = [{"family": family, "fact": fact, "question": q, "answer": a}
            for family, triples in families.items() for fact, q, a in triples]
    rng.shuffle(rows)
    return rows


def train_tokenizer(texts: list[str], vocab_size: int = VOCAB_SIZE):
    """A GPT-2-style byte-level BPE trained on ``texts``, wrapped for transformers with an EOS token."""
    from tokenizers import ByteLevelBPETokenizer
    from transformers import GPT2TokenizerFast

    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(texts, vocab_size=vocab_size, min_frequency=1, special_tokens=[EOS], show_progress=False)
    return GPT2TokenizerFast(tokenizer_object=bpe._tokenizer, eos_token=EOS, bos_token=EOS, unk_token=EOS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "qa")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rows = generate(args.seed)
    with (args.out / "qa_pairs.jsonl").open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    tokenizer = train_tokenizer([f"{row['question']} {row['answer']}" for row in rows])
    tokenizer.save_pretrained(args.out / "tokenizer")
    families = sorted({row["family"] for row in rows})
    counts = ", ".join(f"{f} {sum(r['family'] == f for r in rows)}" for f in families)
    print(f"{len(rows)} QA pairs ({counts}); tokenizer vocabulary {len(tokenizer)}")


if __name__ == "__main__":
    main()
