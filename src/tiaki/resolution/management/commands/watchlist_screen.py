"""`tiaki watchlist-screen`: screen records (a traveller or visa list) against a watchlist."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tiaki.resolution.csvfiles import InputFileError, read_contract_csv, write_csv_atomically
from tiaki.resolution.engines import ENGINES
from tiaki.resolution.linkage import DEFAULT_THRESHOLD, screen_watchlist
from tiaki.resolution.records import CONTRACT_COLUMNS


class Command(BaseCommand):
    help = "Screen records (e.g. a traveller list) against a watchlist; one output row per hit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--watchlist", type=Path, required=True)
        parser.add_argument("--records", type=Path, required=True)
        parser.add_argument("--out", type=Path, required=True, help="record_id,watchlist_id,score,reasons")
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
            "--threshold", type=float, default=DEFAULT_THRESHOLD, help="minimum score of a hit"
        )
        parser.add_argument("--model", type=Path, help="apply this saved model instead of training")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            watchlist = read_contract_csv(
                options["watchlist"], known=(*CONTRACT_COLUMNS, *options["extra_columns"])
            )
            records = read_contract_csv(
                options["records"], known=(*CONTRACT_COLUMNS, *options["extra_columns"])
            )
            hits = screen_watchlist(
                watchlist,
                records,
                engine=options["engine"],
                threshold=options["threshold"],
                model_path=options["model"],
                extra_columns=options["extra_columns"],
                quiet=options["verbosity"] < 1,
            )
        except (InputFileError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        write_csv_atomically(hits, options["out"])
        if options["verbosity"] >= 1:
            self.stderr.write(
                f"{len(hits):,} hits for {hits['record_id'].nunique():,} records: {options['out']}"
            )
