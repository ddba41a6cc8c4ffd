"""`tiaki resolve INPUT.csv --out CLUSTERS.csv`: deduplicate mentions into people (id,cluster_id)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tiaki.resolution.csvfiles import InputFileError, read_contract_csv, write_csv_atomically
from tiaki.resolution.engines import ENGINES
from tiaki.resolution.linkage import RESOLVE_THRESHOLD, resolve_mentions
from tiaki.resolution.records import CONTRACT_COLUMNS, source_regions_from_organisations


class Command(BaseCommand):
    help = "Resolve mentions (CSV: id plus source,name,dob,gender,nationality,phone,email,id_number,address)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", type=Path, help="input CSV (UTF-8, header row, an id column)")
        parser.add_argument("--out", type=Path, required=True, help="output CSV: id,cluster_id")
        parser.add_argument("--engine", choices=ENGINES, default="duckdb")
        parser.add_argument(
            "--extra-column",
            action="append",
            default=[],
            dest="extra_columns",
            metavar="COLUMN",
            help="also compare this input column (exact, with term frequencies); repeatable",
        )
        parser.add_argument(
            "--threshold", type=float, default=RESOLVE_THRESHOLD, help="match probability to link"
        )
        parser.add_argument(
            "--model", type=Path, help="apply this saved model instead of training on the input"
        )
        parser.add_argument("--save-model", type=Path, help="write the trained model (versioned JSON) here")
        parser.add_argument(
            "--links", type=Path, help="also write scored pairs: id_l,id_r,match_probability,..."
        )
        parser.add_argument(
            "--organisations",
            type=Path,
            help="org_id,country CSV giving each source's country (default region for phone numbers); "
            "organisations.csv beside the input is used when present",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        input_path: Path = options["input"]
        quiet = options["verbosity"] < 1
        try:
            frame = read_contract_csv(input_path, known=(*CONTRACT_COLUMNS, *options["extra_columns"]))
            organisations = options["organisations"] or input_path.parent / "organisations.csv"
            regions = source_regions_from_organisations(organisations) if organisations.exists() else {}
            result = resolve_mentions(
                frame,
                engine=options["engine"],
                threshold=options["threshold"],
                model_path=options["model"],
                save_model_to=options["save_model"],
                source_regions=regions,
                extra_columns=options["extra_columns"],
                quiet=quiet,
            )
        except (InputFileError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        write_csv_atomically(result.clusters[["id", "cluster_id"]], options["out"])
        if options["links"]:
            write_csv_atomically(result.links, options["links"])
        if not quiet:
            self.stderr.write(
                f"{len(result.clusters):,} records -> {result.clusters['cluster_id'].nunique():,} clusters: "
                f"{options['out']}"
            )
