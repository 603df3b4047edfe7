"""The agent evaluation's harness driven by the scripted reference model (`evals.reference`).

The harness is the agent evaluation's own (same store, network and clean-up), with the reference
model in place of the offline one; each conversation is loaded into `harness.script` by turn.
"""

from __future__ import annotations

from pathlib import Path

from evals.agent_eval import Dataset, _Harness
from evals.reference import ReferenceScript


class ReferenceHarness(_Harness):
    """The evaluation's harness (same store, network and clean-up) driven by a script."""

    def __init__(self, folder: Path, dataset: Dataset):
        self.script = ReferenceScript()
        super().__init__(folder, dataset, "offline", {}, self.script.model())
