"""gonghui: the trade-union federation platform."""
