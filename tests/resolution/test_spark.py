"""The Spark engine gives the same clusters as DuckDB with the same model (local Spark: slow to start)."""

from __future__ import annotations

from pathlib import Path

from tests.resolution.conftest import people_mentions
from tiaki.resolution.linkage import resolve_mentions


def test_spark_and_duckdb_give_the_same_clusters(tmp_path: Path) -> None:
    mentions = people_mentions(220, seed=11).drop(columns="person")
    model = tmp_path / "model.json"
    duckdb = resolve_mentions(mentions, engine="duckdb", save_model_to=model)
    on_duckdb = resolve_mentions(mentions, engine="duckdb", model_path=model)
    on_spark = resolve_mentions(mentions, engine="spark", model_path=model)
    assert len(mentions) == 529
    assert on_duckdb.clusters.equals(duckdb.clusters)
    assert on_spark.clusters.sort_values("id", ignore_index=True).equals(
        on_duckdb.clusters.sort_values("id", ignore_index=True)
    )
    # Links that can decide a merge or be read by an analyst are the same on both engines, to the last bit.
    # (Among the weakest candidate pairs kept for clustering, below 0.5, a few differ in whether a pair was
    # blocked at all; the clusters above do not depend on them.)
    spark_links = on_spark.links[on_spark.links["match_probability"] >= 0.5]
    duckdb_links = on_duckdb.links[on_duckdb.links["match_probability"] >= 0.5]
    merged = spark_links.merge(duckdb_links, on=["id_l", "id_r"], suffixes=("_spark", "_duckdb"))
    assert len(merged) == len(duckdb_links) == len(spark_links)
    assert (merged["match_probability_spark"] - merged["match_probability_duckdb"]).abs().max() < 1e-9
    assert (merged["reasons_spark"] == merged["reasons_duckdb"]).all()
