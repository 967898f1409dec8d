"""Policy rules that the counter computes for the clerk: pure functions, no I/O beyond ``resources/``.

Each module answers one family of questions the clerk is asked at the window (when can I retire,
roughly how much pension, what do my survivors get, when is the deadline). The rules change with
policy, so every number that a ministry can revise lives in ``resources/rules/`` and is read through
``forms.refdata``; the code holds only the formulas. Results are estimates for the conversation at
the counter: the central system's calculation is the binding one.
"""
