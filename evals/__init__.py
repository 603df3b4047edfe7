"""The evaluation harness: closed-loop simulation, agent quality and forecast backtests."""
