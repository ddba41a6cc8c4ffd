"""Entity resolution: normalisers, Splink linkage models, engines and watchlist screening."""
