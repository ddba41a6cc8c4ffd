"""SQL engines for Splink: DuckDB embedded by default, Apache Spark for national-scale lists."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import pandas as pd

ENGINES = ("duckdb", "spark")
# Matching-table columns holding lists of words; everything else is text (or the phone validity flag).
ARRAY_COLUMNS = frozenset(
    {
        "name_tokens",
        "address_tokens",
        "name_block_tokens",
        "name_expanded",
        "name_initial_forms",
        "name_marked",
        "name_marked_plain",
    }
)
# A local Spark in tests and on one machine; a cluster (spark://..., yarn, k8s://...) in production.
SPARK_MASTER_ENV = "TIAKI_SPARK_MASTER"


@dataclass
class Engine:
    """A Splink database API and whatever must be closed with it."""

    name: str
    db_api: Any
    _closers: list[Any] = field(default_factory=list)

    def as_input(self, table: pd.DataFrame) -> Any:
        """The matching table in the form this engine registers (Spark needs explicit column types)."""
        if self.name != "spark":
            return table
        from pyspark.sql import types as T

        fields = []
        for column in table.columns:
            if column in ARRAY_COLUMNS:
                kind: Any = T.ArrayType(T.StringType())
            elif column == "phone_valid":
                kind = T.BooleanType()
            else:
                kind = T.StringType()
            fields.append(T.StructField(column, kind, True))
        rows = table.astype(object).where(table.notna(), None).to_dict("records")
        return self.db_api.spark.createDataFrame(rows, schema=T.StructType(fields))

    def __enter__(self) -> Engine:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for close in reversed(self._closers):
            close()


def _duckdb() -> Engine:
    import duckdb
    from splink import DuckDBAPI

    connection = duckdb.connect()
    spill = tempfile.TemporaryDirectory(prefix="tiaki-duckdb-")
    # Spill to disk rather than fail when blocks are large; threads follow the machine.
    connection.execute(f"SET temp_directory = '{spill.name}'")
    connection.execute("SET preserve_insertion_order = false")
    # Leave room for the Python side (pandas tables of mentions and links) within a 12 GB budget.
    connection.execute(f"SET memory_limit = '{os.environ.get('TIAKI_DUCKDB_MEMORY', '6GB')}'")
    engine = Engine("duckdb", DuckDBAPI(connection=connection))
    engine._closers += [spill.cleanup, connection.close]
    return engine


def spark_session() -> Any:
    """The Spark session for resolution: TIAKI_SPARK_MASTER, or local mode on this machine's cores."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    master = os.environ.get(SPARK_MASTER_ENV, "local[*]")
    checkpoints = tempfile.mkdtemp(prefix="tiaki-spark-")
    builder = (
        SparkSession.builder.master(master)
        .appName("tiaki-resolution")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", os.environ.get("TIAKI_SPARK_PARTITIONS", "8"))
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", os.environ.get("TIAKI_SPARK_DRIVER_MEMORY", "2g"))
        .config("spark.sql.ansi.enabled", "false")
    )
    session = builder.getOrCreate()
    session.sparkContext.setCheckpointDir(checkpoints)
    session.sparkContext.setLogLevel("ERROR")
    return session


def _jaro_winkler(left: pd.Series, right: pd.Series) -> pd.Series:
    """Jaro-Winkler similarity of each pair of strings as DuckDB computes it: null when either is null, 0
    when either is empty."""
    from rapidfuzz.distance import JaroWinkler

    values = [
        None if a is None or b is None else JaroWinkler.similarity(a, b) if a and b else 0.0
        for a, b in zip(left.tolist(), right.tolist(), strict=True)
    ]
    return pd.Series(values, dtype="Float64")


def register_jaro_winkler(session: Any) -> None:
    """Make Spark SQL's jaro_winkler the one DuckDB uses (rapidfuzz's), replacing the Splink jar's.

    The two count transpositions differently: three half-transpositions are 1.5 in the jar's Jaro (Apache
    Commons Text) and 1 in DuckDB's and rapidfuzz's, so "iokeswalanplia" / "iokeswalantalsini" is 0.916 on
    one and 0.923 on the other. Levels at 0.92 and 0.85 then put the same pair of names on different
    levels on the two engines (up to 6.9 bits apart), and the same model clusters differently.
    """
    from pyspark.sql.functions import pandas_udf

    session.udf.register("jaro_winkler", pandas_udf(_jaro_winkler, "double"))  # type: ignore[call-overload]


def _spark() -> Engine:
    from splink import SparkAPI

    session = spark_session()
    db_api = SparkAPI(spark_session=session, break_lineage_method="parquet")
    # After SparkAPI, which registers the jar's functions under the same name.
    register_jaro_winkler(session)
    engine = Engine("spark", db_api)
    engine._closers.append(lambda: _drop_temporary_views(session))
    return engine


def _drop_temporary_views(session: Any) -> None:
    """Drop the session's temporary views (our inputs t0, t1 and Splink's working tables).

    The session outlives an engine (getOrCreate), and Splink refuses to register an input under a name
    that exists: without this a second resolution in the same process failed on "t0".
    """
    for table in session.catalog.listTables():
        if table.isTemporary:
            session.catalog.dropTempView(table.name)


def create_engine(name: str) -> Engine:
    """Open the named engine ("duckdb" or "spark")."""
    if name == "duckdb":
        return _duckdb()
    if name == "spark":
        return _spark()
    raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
