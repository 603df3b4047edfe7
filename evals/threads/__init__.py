"""Multi-turn planner conversations generated from a grammar, for the agent evaluation.

`templates` holds the planner's turns per follow-up class (slots for SKUs, locations,
suppliers, quantities), `reference` a scripted model that makes each turn's reference tool calls
on the real copilot graph, and `generate` builds seeded conversations on a demo network, runs
them with that model so that every expected fact is read from a tool result, and writes
`evals/datasets/agent_threads.jsonl` with its metadata. `validate` scores the written set with
the reference model through the agent evaluation's own grader.
"""
