"""\"Did you mean\" suggestions for unknown names (layer 0).

`suggest` ranks candidates by their Damerau-Levenshtein distance (the optimal
string alignment variant: insertions, deletions, substitutions and swaps of two
adjacent characters) to the unknown name, compared case-insensitively first and
case-sensitively second, then alphabetically. Only plausible candidates are
offered: a small distance, the same name in another case, or a name the unknown
one is a prefix of.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["did_you_mean", "edit_distance", "suggest"]


def edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment Damerau-Levenshtein distance between `a` and `b`."""
    if a == b:
        return 0
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


def _max_distance(name: str) -> int:
    return max(1, len(name) // 3)


def _rank(name: str, candidate: str) -> tuple[int, int, str, str] | None:
    """Sort key of a plausible candidate, or None when it is not plausible."""
    low, cand_low = name.lower(), candidate.lower()
    is_prefix = len(name) >= 2 and cand_low.startswith(low)
    limit = _max_distance(name)
    if not is_prefix and abs(len(low) - len(cand_low)) > limit:
        return None                     # cheap rejection before the DP
    ci = edit_distance(low, cand_low)
    if ci > limit and not is_prefix:
        return None
    return (ci, edit_distance(name, candidate), cand_low, candidate)


def suggest(name: str, candidates: Iterable[str], limit: int = 3) -> tuple[str, ...]:
    """Up to `limit` plausible spellings of `name` among `candidates`, best first.

    A candidate equal to `name` is never suggested. The result is deterministic
    for a given set of candidates (their order and duplicates do not matter).
    """
    ranked = []
    for cand in set(candidates):
        if cand == name or not cand:
            continue
        key = _rank(name, cand)
        if key is not None:
            ranked.append(key)
    ranked.sort()
    return tuple(key[3] for key in ranked[: max(0, limit)])


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """"did you mean `a`, `b` or `c`?" for the best suggestions, or "" if none."""
    found = [f"`{s}`" for s in suggest(name, candidates)]
    if not found:
        return ""
    if len(found) == 1:
        return f"did you mean {found[0]}?"
    return f"did you mean {', '.join(found[:-1])} or {found[-1]}?"
