"""Lifecycles declared as tables: which move goes from which states to which.

A case, a support offer and a sanction each declare their moves once, as a `Lifecycle` of `Move`s (or of a
subclass that adds its own rules, such as the incident workflow's actor rules). Services ask the lifecycle for the
move before they write; pages ask it which moves to offer from the current state. docs/adr/0004 says why this is
a table of our own rather than django-fsm-2 or python-statemachine.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Move:
    """One step: its name (what a form posts), the label a person sees, the states it may start from and the
    state it leads to."""

    name: str
    label: str
    sources: tuple[str, ...]
    target: str


M = TypeVar("M", bound=Move)


class Lifecycle(Generic[M]):
    """The moves of one kind of record, by name.

    `states` is the model's TextChoices, for the state's label in messages; `wrong_state` is the message when a
    move does not start from the record's state, with `{state}` for that state's label in lower case.
    """

    def __init__(self, moves: Iterable[M], *, states, wrong_state: str):
        self._moves: dict[str, M] = {}
        for move in moves:
            if move.name in self._moves:
                raise ValueError(f"Two moves are called {move.name!r}")
            self._moves[move.name] = move
        self.states = states
        self.wrong_state = wrong_state
        known = {str(value) for value in states.values}
        for move in self._moves.values():
            unknown = {str(s) for s in (*move.sources, move.target)} - known
            if unknown:
                raise ValueError(f"The move {move.name!r} names states that do not exist: {sorted(unknown)}")

    def __iter__(self) -> Iterator[M]:
        return iter(self._moves.values())

    def __contains__(self, name: object) -> bool:
        return name in self._moves

    def get(self, name: str) -> M | None:
        return self._moves.get(name)

    def available(self, state: str) -> list[M]:
        """The moves that start from `state`, in the order they were declared."""
        return [move for move in self._moves.values() if state in move.sources]

    def state_label(self, state: str) -> str:
        return str(self.states(state).label).lower()

    def refusal(self, name: str, state: str) -> str | None:
        """Why the move cannot be made from `state` (an unknown move or the wrong state), or None."""
        move = self._moves.get(name)
        if move is None:
            return "Unknown action"
        if state not in move.sources:
            return self.wrong_state.format(state=self.state_label(state), move=move)
        return None

    def move(self, name: str, state: str) -> M:
        """The move called `name`, if it may start from `state`; ValidationError with the reason otherwise."""
        refusal = self.refusal(name, state)
        if refusal is not None:
            raise ValidationError(refusal)
        return self._moves[name]
