"""The `textvae` command (also `python -m textvae`): textvae.api's verbs on sentences of one's own.

`textvae choose-c --corpus NAME` runs experiment C1 on a corpus of a config instead.

    textvae reconstruct mine.txt --model-dir results/models/short/lstm-betac-C25 --scheme beam
    textvae score mine.txt --model-dir DIR --format jsonl

One sentence a line from a file or `-`; errors are one line on stderr, exit status 1.  More:
docs/using-models.md.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import yaml

from . import api

SNAKEFILE = Path(__file__).resolve().parents[2] / "Snakefile"  # the repository's, beside src/
SENTENCES = {"reconstruct": "reconstruction", "sample": "sentence", "interpolate": "sentence"}
FORMATS = ("text", "jsonl", "parquet")


def parser() -> argparse.ArgumentParser:
    """The command-line parser.

    One sub-command per verb, each with the options of the cell, the
    output and, where it decodes, the decoding."""
    cell = argparse.ArgumentParser(add_help=False)
    where = cell.add_argument_group("the trained cell: --model-dir, or --results, --corpus and --model")
    where.add_argument("--model-dir", help="a model folder: results/models/{corpus}/{model} or a copy of it")
    where.add_argument("--results", help="a run's results folder (with --corpus and --model)")
    where.add_argument("--corpus", help="the cell's corpus (with --results)")
    where.add_argument("--model", help="the cell's model id, e.g. lstm-betac-C25 (with --results)")
    where.add_argument("--vocab", help="a vocab.parquet, for a model folder that has none (written before "
                                       "textvae kept one there): the input is then split on spaces, as given")
    cell.add_argument("--device", help="cpu, cuda or cuda:N (default: the GPU where there is one)")
    cell.add_argument("--seed", type=int, help="of every draw (default: the run's; score: its evaluation's)")
    cell.add_argument("--format", choices=FORMATS, help="text (default; encode: parquet), jsonl or parquet")
    cell.add_argument("-o", "--output", default="-", help="file to write (default: stdout)")
    decoding = argparse.ArgumentParser(add_help=False)
    decoding.add_argument("--scheme", default=api.DEFAULT_SCHEME,
                          help="greedy, sample, topk:K, nucleus:P, beam:W, or a scheme of the run such as "
                               "nucleus0.9 (default %(default)s)")
    decoding.add_argument("--max-len", type=int, help="longest decoded sentence in tokens (default: the run's)")
    decoding.add_argument("--batch-size", type=int, help="sentences decoded at once (default: the run's)")

    command = argparse.ArgumentParser(prog="textvae", description="Use a trained textvae model on your own "
                                      "sentences (one a line; FILE - reads stdin).")
    verbs = command.add_subparsers(dest="verb", required=True)
    encode = verbs.add_parser("encode", parents=[cell], help="mu, log sigma^2 and KL of each sentence")
    encode.add_argument("file")
    reconstruct = verbs.add_parser("reconstruct", parents=[cell, decoding], help="encode, then decode")
    reconstruct.add_argument("file")
    reconstruct.add_argument("--from", dest="z", choices=api.LATENTS, default="mean",
                             help="decode the posterior mean or z ~ q(z|x) (default %(default)s)")
    sample = verbs.add_parser("sample", parents=[cell, decoding], help="sentences from z ~ p(z)")
    sample.add_argument("-n", type=int, default=10, help="how many (default %(default)s)")
    interpolate = verbs.add_parser("interpolate", parents=[cell, decoding], help="the path between two sentences")
    interpolate.add_argument("a", metavar="SENTENCE_A")
    interpolate.add_argument("b", metavar="SENTENCE_B")
    interpolate.add_argument("--steps", type=int, default=10, help="points, both ends included (default %(default)s)")
    interpolate.add_argument("--from", dest="z", choices=api.LATENTS, default="sample",
                             help="z ~ q(z|x) of each sentence, as Mansbridge et al., or the posterior means "
                                  "(default %(default)s)")
    score = verbs.add_parser("score", parents=[cell], help="ELBO terms and importance-weighted NLL")
    score.add_argument("file")
    score.add_argument("--iw-samples", type=int, help="samples of the IW-NLL (default: the run's evaluation's)")
    choose = verbs.add_parser("choose-c", help="recommend a target rate C for a corpus (experiment C1)")
    choose.add_argument("--corpus", required=True, help="a corpus of the config")
    choose.add_argument("--configfile", nargs="+", default=["config.yaml", "configs/choose-c.yaml"],
                        help="config files, later over earlier, with an experiments.C1 block (default: %(default)s)")
    choose.add_argument("--cores", type=int, default=2, help="snakemake's --cores (default %(default)s)")
    choose.add_argument("--top", type=float, help="the ladder's top C (default: the corpus's entropy per "
                                                  "sentence where its grammar gives it, else 128)")
    return command


def model_folder(args) -> Path:
    """The model folder the options name: --model-dir, or --results/models/--corpus/--model."""
    by_parts = (args.results, args.corpus, args.model)
    if args.model_dir and any(by_parts):
        raise api.InputError("give either --model-dir or --results, --corpus and --model, not both")
    if args.model_dir:
        return Path(args.model_dir)
    if not all(by_parts):
        raise api.InputError("name the trained cell: --model-dir results/models/CORPUS/MODEL, or --results "
                             "RESULTS --corpus CORPUS --model MODEL")
    return Path(args.results, "models", args.corpus, args.model)


def read_input(source: str, log=api.note) -> list[str]:
    """The sentences of a file or of stdin ("-"), one a line.

    A leading byte-order mark is dropped
    (the utf-8-sig codec); blank lines are skipped, with a note."""
    try:
        text = sys.stdin.read().removeprefix("\ufeff") if source == "-" else Path(source).read_text("utf-8-sig")
    except FileNotFoundError:
        raise api.InputError(f"{source}: no such file; expected a file of sentences, one a line, or - for stdin") \
            from None
    except UnicodeDecodeError as err:
        raise api.InputError(f"{source}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    lines = text.splitlines()
    sentences = [line.strip() for line in lines if line.strip()]
    if not sentences:
        raise api.InputError(f"{'stdin' if source == '-' else source}: no sentence (the input is empty); "
                             "expected one sentence a line")
    if len(sentences) < len(lines):
        log(f"{len(lines) - len(sentences)} blank lines skipped")
    return sentences


def decoding_options(args) -> dict:
    """The decoding options the command line sets: scheme, seed and, where given, max_len and batch_size."""
    extra = {"max_len": args.max_len} if args.max_len else {}
    return dict(scheme=args.scheme, seed=args.seed, batch_size=args.batch_size, **extra)


def run_verb(vae: api.TrainedVAE, args) -> pd.DataFrame:
    """The table of the verb the command line names."""
    if args.verb == "encode":
        return vae.encode(read_input(args.file))
    if args.verb == "reconstruct":
        return vae.reconstruct(read_input(args.file), z=args.z, **decoding_options(args))
    if args.verb == "sample":
        return vae.sample(args.n, **decoding_options(args))
    if args.verb == "interpolate":
        return vae.interpolate(args.a, args.b, args.steps, z=args.z, **decoding_options(args))
    return vae.score(read_input(args.file), iw_samples=args.iw_samples, seed=args.seed)


def render(frame: pd.DataFrame, verb: str, fmt: str) -> bytes:
    """A verb's table as the bytes of the output format `fmt`.

    text is its sentences, one a line (encode and
    score: tab-separated columns with a header, without the lists mu and log sigma^2)."""
    if fmt == "parquet":
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        return buffer.getvalue()
    if fmt == "jsonl":
        text = frame.to_json(orient="records", lines=True, force_ascii=False)
    elif verb in SENTENCES:
        text = "\n".join(frame[SENTENCES[verb]]) + "\n"
    else:
        text = frame.drop(columns=["mu", "logvar"], errors="ignore").to_csv(sep="\t", index=False)
    return text.encode()


def write(data: bytes, output: str, fmt: str) -> None:
    """The bytes to the output file or stdout; refuses binary Parquet on a terminal."""
    if output != "-":
        Path(output).write_bytes(data)
    elif fmt == "parquet" and sys.stdout.isatty():
        raise api.InputError("--format parquet is binary: give --output FILE, or --format jsonl to read it here")
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    """Run the command line `argv` (default sys.argv[1:]); 0 on success, 1 with one error line."""
    args = parser().parse_args(argv)
    if args.verb == "choose-c":
        return choose_c(args)
    fmt = args.format or ("parquet" if args.verb == "encode" else "text")
    try:
        vae = api.load(model_folder(args), vocab=args.vocab, device=args.device)
        write(render(run_verb(vae, args), args.verb, fmt), args.output, fmt)
    except (api.ModelFolderError, api.InputError) as err:
        print(f"textvae {args.verb}: error: {err}", file=sys.stderr)
        return 1
    return 0


def snakemake(configfile: Path, cores: int, *targets: str) -> None:
    """Run the workflow of this package's repository on `configfile` for `targets`, in this folder."""
    command = [sys.executable, "-m", "snakemake", "-s", str(SNAKEFILE), "--configfile", str(configfile),
               "--cores", str(cores), *targets]
    if subprocess.run(command).returncode:
        raise api.InputError(f"snakemake failed ({' '.join(command)}); its log says why")


def choose_c(args) -> int:
    """`textvae choose-c`: experiment C1 on one corpus of a config; prints the pick and the figure's path."""
    from .experiments import c1  # here: the registry imports the claims (scipy), which the other verbs do without

    files = " ".join(args.configfile)
    try:
        config = read_configs(args.configfile)
    except FileNotFoundError as err:
        print(f"textvae choose-c: error: {err.filename}: no such config file", file=sys.stderr)
        return 1
    if args.corpus not in config.get("corpora", {}):
        print(f"textvae choose-c: error: corpus {args.corpus!r} is not under corpora in {files} "
              f"(there: {', '.join(config.get('corpora', {}))})", file=sys.stderr)
        return 1
    if not c1.block(config):
        print(f"textvae choose-c: error: {files} has no experiments.C1 block; add configs/choose-c.yaml "
              f"(the default's search) or a block of your own", file=sys.stderr)
        return 1
    results = Path(config.get("results", "results"))
    search = results / "choose_c" / args.corpus / "config.yaml"
    search.parent.mkdir(parents=True, exist_ok=True)
    try:
        top = args.top or corpus_entropy(config, args.corpus, search, args.cores) or c1.REAL_TOP
        search.write_text(yaml.safe_dump(c1.search_config(config, args.corpus, top)))
        snakemake(search, args.cores, f"{results}/tables/choose_c_pick.parquet", f"{results}/figures/choose_c.png")
    except api.InputError as err:
        print(f"textvae choose-c: error: {err}", file=sys.stderr)
        return 1
    row = pd.read_parquet(results / "tables" / "choose_c_pick.parquet").set_index("corpus").loc[args.corpus]
    print(f"{args.corpus}: recommended C = {row['pick']:g} over the ladder {row['ladder']}; the seeds' picks "
          f"{row['seed_picks']}: [{row['lo']:g}, {row['hi']:g}], an interval of {100 * row['coverage']:.0f} % "
          f"coverage for their median; figure: {results / 'figures' / 'choose_c.png'}")
    return 0


def read_configs(paths: list[str]) -> dict:
    """The config files merged as snakemake merges them, later over earlier (snakemake.utils.update_config)."""
    from snakemake.utils import update_config  # not at import: the other verbs do without it

    config: dict = {}
    for path in paths:
        update_config(config, yaml.safe_load(Path(path).read_text()) or {})
    return config


def corpus_entropy(config: dict, corpus: str, search: Path, cores: int) -> float | None:
    """The corpus's entropy per sentence, -mean log p(x) of its test split, where a grammar gives it."""
    from .experiments import c1
    if "grammar" not in config["corpora"][corpus]:
        return None
    search.write_text(yaml.safe_dump(c1.search_config(config, corpus, c1.REAL_TOP)))
    test = Path(config.get("results", "results"), "data", corpus, "test.parquet")
    snakemake(search, cores, str(test))
    return float(-pd.read_parquet(test, columns=["logp_true"])["logp_true"].mean())
