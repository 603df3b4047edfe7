"""A grammar of planner requests: phrase lists per request class and a seeded generator.

`phrases` holds the templates (a planner's wording, with slots such as {sku} or {loc}),
`forms` the ways a planner names an entity and the everyday noise of a chat message (typos,
missing punctuation, lead-ins, politeness), `bench` the demo network and its tools, and
`generate` instantiates the templates on the network into `evals/datasets/agent_grammar.jsonl`,
with every expected fact taken from a tool's result. `validate` replays the reference calls
through the grader with a scripted model.
"""
