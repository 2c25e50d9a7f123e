"""Generate the tech-NER dataset: sentences tagged with companies (ORG) and languages/tools (TECH).

Written for the course "RNNs, step by step"; the templates and entity lists below are the
project's own (licence CC0). Pure Python and seeded, so the output is the same byte for byte on
every machine:

    python data/make_tech_ner.py            # rewrites rnn_utils/data/tech_ner_{train,test}.tsv
    python data/make_tech_ner.py --out DIR  # writes them to DIR instead

Design:
- BIO tags: B-ORG, I-ORG, B-TECH, I-TECH, O.
- The test split uses entity names and sentence templates that never occur in training, so a
  tagger has to read the context instead of remembering names.
- Right-context templates start with the entity (possibly after a neutral opener such as
  "I think"), so the words BEFORE it are the same for companies and tools; only the words AFTER
  it ("... is a programming language" / "... sells software to banks") tell them apart. Their
  sentences have needs_right_context = 1. A check below proves the flag: flagged templates have
  an entity whose left context also precedes the other entity type, unflagged ones do not.
- Test templates are new sentences built from words that training sentences use, so the only
  unknown words in a test sentence are entity names (checked below).
- Some entities are ambiguous words used for both types ("Swift", "Go", ...), and some are
  invented names such as "Vokripin", each used in ONE sentence only (so a vocabulary that keeps
  words seen twice maps them to <unk> in training too): both can only be typed from context.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

SEED = 1990
N_SENTENCES = {"train": 2400, "test": 600}
RIGHT_SHARE = 0.40  # sentences from right-context templates; the others use left context
AMBIGUOUS_RATE = {"right": 0.30, "left": 0.10}
INVENTED_RATE = 0.40
HEADER = "id\ttemplate\tneeds_right_context\ttokens\ttags"
EXAMPLE = ("Use Netlify and Hugo .", "O B-ORG O B-TECH O")  # the seeds' example, train row 0

ORG = {
    "train": [
        "Netlify",
        "Google",
        "Microsoft",
        "Amazon",
        "Netflix",
        "Spotify",
        "Shopify",
        "Stripe",
        "Atlassian",
        "GitHub",
        "GitLab",
        "Cloudflare",
        "Vercel",
        "Heroku",
        "Dropbox",
        "Slack",
        "Twilio",
        "Mozilla",
        "Canonical",
        "Intel",
        "Nvidia",
        "Samsung",
        "Adobe",
        "Salesforce",
        "Red Hat",
        "Hugging Face",
        "Epic Games",
        "Stack Overflow",
        "Goldman Sachs",
    ],
    "test": [
        "IBM",
        "Siemens",
        "Uber",
        "Airbnb",
        "Pinterest",
        "Datadog",
        "Snowflake",
        "Databricks",
        "Figma",
        "Asana",
        "Palantir",
        "Cisco",
        "Lenovo",
        "Toyota",
        "Rakuten",
        "Deutsche Bank",
        "Electronic Arts",
        "Texas Instruments",
        "Western Digital",
    ],
}
TECH = {
    "train": [
        "Hugo",
        "Python",
        "Java",
        "Kotlin",
        "Haskell",
        "Scala",
        "Perl",
        "Fortran",
        "Docker",
        "Kubernetes",
        "TensorFlow",
        "PyTorch",
        "React",
        "Angular",
        "Django",
        "Flask",
        "PostgreSQL",
        "Redis",
        "Linux",
        "Git",
        "Emacs",
        "Vim",
        "Bash",
        "Terraform",
        "NumPy",
        "Keras",
        "Visual Studio Code",
        "Jupyter Notebook",
        "Apache Spark",
        "Spring Boot",
    ],
    "test": [
        "Clojure",
        "Erlang",
        "OCaml",
        "Lua",
        "Zig",
        "Nim",
        "Matlab",
        "Cobol",
        "Svelte",
        "Vue",
        "Jekyll",
        "Hadoop",
        "Kafka",
        "MongoDB",
        "SQLite",
        "Nginx",
        "Neovim",
        "Sublime Text",
        "Unreal Engine",
        "Power BI",
        "Common Lisp",
    ],
}
# Words that name a company in some sentences and a language in others.
AMBIGUOUS = {
    "train": ["Swift", "Go", "Rust", "Ruby", "Apple", "Julia", "Dart"],
    "test": ["Crystal", "Elixir", "Mercury", "Pascal", "Scratch", "Delphi"],
}

# Right-context cores: the entity comes first, the words after it reveal its type.
RIGHT = {
    "train": {
        "ORG": [
            "{ORG} sells software to banks .",
            "{ORG} hired two hundred engineers last year .",
            "{ORG} opened a new office in Berlin .",
            "{ORG} reported record revenue this quarter .",
            "{ORG} is a company based in Seattle .",
            "{ORG} acquired a small startup .",
            "{ORG} announced a new CEO today .",
            "{ORG} and {ORG} signed a partnership deal .",
            "{ORG} shares fell after the earnings call .",
            "{ORG} pays its interns well .",
        ],
        "TECH": [
            "{TECH} is a programming language .",
            "{TECH} compiles to fast machine code .",
            "{TECH} has a strict type system .",
            "{TECH} code is easy to read .",
            "{TECH} is a language with garbage collection .",
            "{TECH} and {TECH} are both open source tools .",
            "{TECH} programs run on every platform .",
            "{TECH} ships with a package manager .",
            "{TECH} supports pattern matching .",
            "{TECH} is a framework for web apps .",
        ],
    },
    "test": {
        "ORG": [
            "{ORG} hired a new CEO last quarter .",
            "{ORG} acquired a company based in Berlin .",
            "{ORG} reported record revenue and hired engineers .",
            "{ORG} shares fell after the startup was bought .",
            "{ORG} and {ORG} announced a partnership .",
            "{ORG} pays engineers well .",
        ],
        "TECH": [
            "{TECH} is a language with a strict type system .",
            "{TECH} code compiles to machine code .",
            "{TECH} has a package manager and pattern matching .",
            "{TECH} programs are easy to read .",
            "{TECH} is a framework with garbage collection .",
            "{TECH} and {TECH} run on every platform .",
        ],
    },
}
# Openers that say nothing about the entity that follows (shared by both splits and both types).
OPENERS = ["", "I think", "Honestly ,", "Apparently", "As far as I know ,", "Everyone says"]

# Left-context templates: the words before each entity already reveal its type.
LEFT = {
    "train": [
        "Use {ORG} and {TECH} .",
        "The CEO of {ORG} spoke at the conference .",
        "She writes backend services in {TECH} .",
        "Our team moved from {TECH} to {TECH} last month .",
        "He left {ORG} to join {ORG} .",
        "We bought a license from {ORG} for the whole team .",
        "The new library is written in {TECH} .",
        "I learned {TECH} at university .",
        "The headquarters of {ORG} are in London .",
        "Engineers at {ORG} prefer {TECH} for data pipelines .",
        "You can install {TECH} with one command .",
        "The startup was bought by {ORG} .",
        "Most of our scripts are in {TECH} .",
        "They host the documentation with {ORG} .",
        "Can someone explain how {TECH} handles memory ?",
        "A recruiter from {ORG} called me yesterday .",
        "My favourite editor is {TECH} .",
        "The conference was sponsored by {ORG} and {ORG} .",
        "Please rewrite this module in {TECH} .",
        "Investors expect {ORG} to grow quickly .",
    ],
    "test": [
        "Engineers at {ORG} moved from {TECH} to {TECH} .",
        "The new module is written in {TECH} .",
        "She left {ORG} for a startup .",
        "Our team bought a license from {ORG} .",
        "Most of the documentation is written in {TECH} .",
        "We host the documentation with {ORG} and {ORG} .",
        "The startup was sponsored by {ORG} .",
        "He learned {TECH} and {TECH} at university .",
    ],
}
ONSETS = ["b", "br", "d", "dr", "f", "g", "k", "kr", "l", "m", "n", "p", "qu", "r", "s", "t", "v"]
VOWELS = ["a", "e", "i", "o", "u"]
CODAS = ["", "", "n", "r", "l", "x", "m"]


def invented_names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """Distinct made-up capitalised words (2-3 syllables) not in ``taken`` (lower-cased)."""
    names: list[str] = []
    while len(names) < count:
        syllables = rng.choice([2, 3])
        word = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(syllables))
        word += rng.choice(CODAS)
        if word not in taken:
            taken.add(word)
            names.append(word.capitalize())
    return names


def templates(split: str) -> list[tuple[str, str, bool]]:
    """(template id, pattern, needs_right_context) for one split; ids name the split."""
    rows = []
    for kind in ("ORG", "TECH"):
        for k, pattern in enumerate(RIGHT[split][kind]):
            rows.append((f"{split}-R{kind[0]}{k:02d}", pattern, True))
    rows += [(f"{split}-L{k:02d}", p, False) for k, p in enumerate(LEFT[split])]
    return rows


def left_contexts(pattern: str) -> list[tuple[tuple[str, ...], str]]:
    """For each slot: (lower-cased words before it, earlier slots as <ENT>; the slot's type)."""
    out, before = [], []
    for word in pattern.split():
        if word in ("{ORG}", "{TECH}"):
            out.append((tuple(before), word[1:-1]))
            before.append("<ENT>")
        else:
            before.append(word.lower())
    return out


def check_flags() -> None:
    """Flagged templates must be ambiguous from the left, unflagged ones must not be."""
    patterns = [(p, flag) for s in ("train", "test") for _, p, flag in templates(s)]
    expanded = [
        (f"{o} {p}".strip(), flag) for p, flag in patterns for o in (OPENERS if flag else [""])
    ]
    types: dict[tuple[str, ...], set[str]] = {}
    for pattern, _ in expanded:
        for prefix, kind in left_contexts(pattern):
            types.setdefault(prefix, set()).add(kind)
    for pattern, flag in expanded:
        ambiguous = any(len(types[prefix]) > 1 for prefix, _ in left_contexts(pattern))
        if ambiguous != flag:
            raise AssertionError(f"needs_right_context={flag} is wrong for {pattern!r}")


def check_test_words() -> None:
    """Test templates are new sentences made of words seen in training: apart from the entity
    names, a test sentence holds no unknown word, so an unknown word always marks a name."""
    train_words = {w for _, p, _ in templates("train") for w in p.split()}
    train_words |= {w for opener in OPENERS for w in opener.split()}
    for _, pattern, _ in templates("test"):
        unseen = [w for w in pattern.split() if w not in train_words | {"{ORG}", "{TECH}"}]
        if unseen:
            raise AssertionError(
                f"Test template {pattern!r} uses words unseen in training: {unseen}"
            )


def fill(pattern: str, pools: dict, rng: random.Random, ambiguous_rate: float):
    """Replace each slot by a name; return (tokens, tags). Invented names are used up."""
    tokens, tags = [], []
    for word in pattern.split():
        if word not in ("{ORG}", "{TECH}"):
            tokens.append(word)
            tags.append("O")
            continue
        kind = word[1:-1]
        if rng.random() < ambiguous_rate:
            name = rng.choice(pools["ambiguous"])
        elif rng.random() < INVENTED_RATE:
            name = pools["invented"].pop()  # each invented name appears once
        else:
            name = rng.choice(pools[kind])
        parts = name.split()
        tokens += parts
        tags += [f"B-{kind}"] + [f"I-{kind}"] * (len(parts) - 1)
    return tokens, tags


def generate(split: str, pools: dict, rng: random.Random) -> list[str]:
    """The TSV lines (header first) of one split."""
    rows = templates(split)
    right = {
        kind: [r for r in rows if r[0].startswith(f"{split}-R{kind[0]}")]
        for kind in ("ORG", "TECH")
    }
    left = [r for r in rows if "-L" in r[0]]
    lines, seen = [HEADER], set()
    if split == "train":
        tokens, tags = EXAMPLE
        lines.append(f"train-0000\t{split}-L00\t0\t{tokens}\t{tags}")
        seen.add(tokens)
    while len(lines) - 1 < N_SENTENCES[split]:
        if rng.random() < RIGHT_SHARE:
            template_id, pattern, flag = rng.choice(right[rng.choice(["ORG", "TECH"])])
            pattern = f"{rng.choice(OPENERS)} {pattern}".strip()
            rate = AMBIGUOUS_RATE["right"]
        else:
            template_id, pattern, flag = rng.choice(left)
            rate = AMBIGUOUS_RATE["left"]
        tokens, tags = fill(pattern, pools, rng, rate)
        text = " ".join(tokens)
        if text in seen:
            continue
        seen.add(text)
        row_id = f"{split}-{len(lines) - 1:04d}"
        lines.append(f"{row_id}\t{template_id}\t{int(flag)}\t{text}\t{' '.join(tags)}")
    return lines


def main(out_dir: Path, seed: int = SEED) -> list[Path]:
    check_flags()
    check_test_words()
    rng = random.Random(seed)
    known = {
        w.lower()
        for group in (ORG, TECH, AMBIGUOUS)
        for s in group.values()
        for n in s
        for w in n.split()
    }
    counts = {"train": 1500, "test": 500}  # more than the sentences can use up
    invented = invented_names(rng, sum(counts.values()), known)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    parts = {"train": invented[: counts["train"]], "test": invented[counts["train"] :]}
    for split, invented_part in parts.items():
        pools = {
            "ORG": ORG[split],
            "TECH": TECH[split],
            "ambiguous": AMBIGUOUS[split],
            "invented": invented_part,
        }
        path = out_dir / f"tech_ner_{split}.tsv"
        path.write_bytes(("\n".join(generate(split, pools, rng)) + "\n").encode("utf-8"))
        written.append(path)
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(  # the package's data folder: the files ship inside the wheel
        "--out", type=Path, default=Path(__file__).resolve().parents[1] / "rnn_utils" / "data"
    )
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    for path in main(args.out, args.seed):
        print(f"wrote {path}")
