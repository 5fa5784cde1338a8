"""Probabilistic context-free grammars: seeded sampling and exact string probabilities.

p(x) = sum_{d : yield(d) = x} prod_{(A -> alpha) in d} p(A -> alpha), computed exactly by the
inside algorithm on a binarised copy (Baker 1979; Lari & Young 1990); rule weights are
normalised per nonterminal.  Why: docs/design.md#grammar.
"""

from __future__ import annotations

import math
import random

import numpy as np

Rules = dict[str, list[tuple[tuple[str, ...], float]]]


class GrammarError(ValueError):
    """A grammar that cannot be used: empty right-hand side, bad weight, unary cycle."""


class PCFG:
    """A probabilistic context-free grammar with a start symbol."""

    def __init__(self, rules: Rules, start: str = "S"):
        if start not in rules:
            raise GrammarError(f"start symbol {start!r} has no rules")
        self.start = start
        self.rules: Rules = {}
        for lhs, alternatives in rules.items():
            total = sum(w for _, w in alternatives)
            if not alternatives or total <= 0 or any(w < 0 for _, w in alternatives):
                raise GrammarError(f"nonterminal {lhs!r} needs rules with positive total weight")
            for rhs, _ in alternatives:
                if len(rhs) == 0:
                    raise GrammarError(f"empty right-hand side for {lhs!r}: not supported")
            self.rules[lhs] = [(tuple(rhs), w / total) for rhs, w in alternatives if w > 0]
        self.terminals = sorted(
            {s for alts in self.rules.values() for rhs, _ in alts for s in rhs if s not in self.rules}
        )
        self._build_chart_tables()

    # ---- sampling -------------------------------------------------------------------------
    def sample(self, rng: random.Random) -> list[str]:
        """One sentence drawn top-down from the start symbol."""
        out: list[str] = []
        stack = [self.start]
        while stack:
            symbol = stack.pop()
            if symbol not in self.rules:
                out.append(symbol)
                continue
            alternatives = self.rules[symbol]
            rhs = rng.choices([r for r, _ in alternatives], weights=[p for _, p in alternatives])[0]
            stack.extend(reversed(rhs))
        return out

    # ---- inside algorithm -----------------------------------------------------------------
    def _build_chart_tables(self) -> None:
        """Binarise the grammar's rules into the inside algorithm's tables.

        A -> X1 .. Xk becomes A -> X1 @1, @1 -> X2 @2, ... with probability 1 past the first step;
        terminals inside longer rules get preterminals <w> -> w."""
        symbols: dict[str, int] = {}

        def index(sym: str) -> int:
            return symbols.setdefault(sym, len(symbols))

        for lhs in self.rules:
            index(lhs)
        lexical: list[tuple[int, str, float]] = []
        unary: list[tuple[int, int, float]] = []
        binary: list[tuple[int, int, int, float]] = []

        def as_nonterminal(sym: str) -> int:
            if sym in self.rules:
                return index(sym)
            pre = f"<{sym}>"
            if pre not in symbols:
                lexical.append((index(pre), sym, 1.0))
            return symbols[pre]

        for lhs, alternatives in self.rules.items():
            for k, (rhs, p) in enumerate(alternatives):
                a = symbols[lhs]
                if len(rhs) == 1:
                    if rhs[0] in self.rules:
                        unary.append((a, symbols[rhs[0]], p))
                    else:
                        lexical.append((a, rhs[0], p))
                    continue
                parent, prob = a, p
                for i in range(len(rhs) - 2):
                    rest = index(f"@{lhs}#{k}#{i}")
                    binary.append((parent, as_nonterminal(rhs[i]), rest, prob))
                    parent, prob = rest, 1.0
                binary.append((parent, as_nonterminal(rhs[-2]), as_nonterminal(rhs[-1]), prob))

        n = len(symbols)
        self._n_symbols = n
        self._start_index = symbols[self.start]
        self._lexical: dict[str, np.ndarray] = {}
        for a, word, p in lexical:
            self._lexical.setdefault(word, np.zeros(n))[a] += p
        u = np.zeros((n, n))
        for a, b, p in unary:
            u[a, b] += p
        # Unary closure U* = I + U + U^2 + ... ; finite because unary chains must be acyclic.
        closure, power = np.eye(n), np.eye(n)
        for _ in range(n + 1):
            power = power @ u
            if not power.any():
                break
            closure += power
        else:
            raise GrammarError("the grammar has a cycle of unary rules (A -> ... -> A)")
        self._closure = closure
        arr = np.array([(a, b, c) for a, b, c, _ in binary], dtype=np.int64).reshape(-1, 3)
        self._bin_b, self._bin_c = arr[:, 1], arr[:, 2]
        self._bin_p = np.array([p for *_, p in binary])
        self._bin_parent = np.zeros((len(binary), n))  # one-hot: binary rule -> its parent
        self._bin_parent[np.arange(len(binary)), arr[:, 0]] = 1.0

    def logprob(self, tokens: list[str]) -> float:
        """Exact log p(tokens) in nats, summed over all derivations; -inf if not derivable."""
        n = len(tokens)
        if n == 0 or any(t not in self._lexical for t in tokens):
            return -math.inf
        # chart[i, j] = inside probabilities of every symbol over tokens[i:j]
        chart = np.zeros((n + 1, n + 1, self._n_symbols))
        for i, tok in enumerate(tokens):
            chart[i, i + 1] = self._closure @ self._lexical[tok]
        for length in range(2, n + 1):
            starts = np.arange(n - length + 1)[:, None]
            splits = starts + np.arange(1, length)[None, :]  # (spans, length-1)
            ends = starts + length
            left = chart[starts, splits][..., self._bin_b]  # (spans, splits, rules)
            right = chart[splits, ends][..., self._bin_c]
            per_rule = (left * right).sum(axis=1) * self._bin_p  # (spans, rules)
            chart[starts[:, 0], ends[:, 0]] = (per_rule @ self._bin_parent) @ self._closure.T
        p = chart[0, n, self._start_index]
        return math.log(p) if p > 0 else -math.inf
