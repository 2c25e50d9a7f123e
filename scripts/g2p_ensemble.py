"""Decode trained G2P models together and, if asked, write the ensemble into the package.

    python scripts/g2p_ensemble.py DIR DIR [...]                  # validation figures only
    python scripts/g2p_ensemble.py DIR DIR [...] --out rnn_utils/models/g2p

Each DIR is a model written by ``scripts/train_g2p.py --out DIR``. All must share the split
and the validation seed. The script prints the greedy validation WER of each member and of the
ensemble (the figures to choose by); with ``--out`` it also scores the ensemble once on the
held-out split (greedy and beam 4) and saves it, its card listing the members' cards.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from train_g2p import evaluate, validation_words  # noqa: E402

import rnn_utils  # noqa: E402  (quiet TensorFlow before it loads)
from rnn_utils.g2p import G2P, load_g2p  # noqa: E402
from rnn_utils.seq2seq.ensemble import Seq2SeqEnsemble  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("members", nargs="+", type=Path, help="directories of trained models")
    parser.add_argument("--out", type=Path, help="write the ensemble here (held-out scored)")
    parser.add_argument("--eval-words", type=int, help="score N held-out words (all: None)")
    args = parser.parse_args(argv)
    rnn_utils.import_keras_quietly()
    from rnn_utils.datasets import cmudict_g2p

    members = [load_g2p(d) for d in args.members]
    # (models trained before --validation-seed existed used their --seed for it)
    seeds = {
        m.card["hyper_parameters"].get("validation_seed", m.card["hyper_parameters"]["seed"])
        for m in members
    }
    if len(seeds) != 1:
        parser.error(f"the members were validated on different words (seeds {sorted(seeds)})")
    data = cmudict_g2p(seed=0)
    valid = {w: data.train[w] for w in sorted(validation_words(data, seeds.pop()))}
    ensemble = G2P(Seq2SeqEnsemble([m.model for m in members]), members[0].letters,
                   members[0].phonemes)  # fmt: skip
    for directory, member in zip(args.members, members, strict=True):
        print(f"{directory}: validation WER (greedy) {evaluate(member, valid, 1)['wer']:.4f}")
    validation = evaluate(ensemble, valid, 1)
    print(f"ensemble of {len(members)}: validation WER (greedy) {validation['wer']:.4f}")
    if args.out is None:
        return 0
    test = dict(list(data.test.items())[: args.eval_words])
    ensemble.card = {
        "what": "grapheme-to-phoneme ensemble of the course 'RNNs, step by step': "
        f"{len(members)} encoder-decoders decoded together (their probabilities averaged)",
        "data": members[0].card.get("data"),
        "split": members[0].card.get("split"),
        "parameters": int(ensemble.model.count_params()),
        "members": [m.card for m in members],
        # (models trained before resuming was recorded have one run's time only)
        "training_seconds_all_members": sum(
            m.card.get("training_seconds_all_runs", m.card["training_seconds_this_run"])
            for m in members
        ),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores, {platform.system()}",
        "command": "python scripts/g2p_ensemble.py " + " ".join(argv or sys.argv[1:]),
        "validation_greedy": validation,
        "heldout_greedy": evaluate(ensemble, test, 1),
        "heldout_beam4": evaluate(ensemble, test, 4),
    }
    ensemble.save(args.out)
    print(json.dumps({k: v for k, v in ensemble.card.items() if k != "members"}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
