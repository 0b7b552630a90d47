"""`twin.once`: worked out on the first read only, kept on the instance, frozen dataclasses too."""

from __future__ import annotations

from dataclasses import dataclass, field

from twin.once import once


@dataclass(frozen=True)
class _Route:
    flows: tuple[float, ...]
    calls: list[str] = field(default_factory=list, compare=False)

    @once
    def carried(self) -> float:
        """Sum of the flows."""
        self.calls.append("carried")
        return sum(self.flows)


def test_value_is_worked_out_on_first_read_only() -> None:
    route = _Route((1.5, 2.5))
    assert route.carried == 4.0
    assert route.carried == 4.0
    assert route.calls == ["carried"]


def test_each_instance_keeps_its_own_value() -> None:
    a, b = _Route((1.0,)), _Route((2.0, 3.0))
    assert (a.carried, b.carried) == (1.0, 5.0)
    assert a.calls == b.calls == ["carried"]


def test_frozen_dataclass_identity_is_unchanged() -> None:
    a, b = _Route((1.0, 2.0)), _Route((1.0, 2.0))
    assert a.carried == 3.0
    assert a == b and hash(a) == hash(b)  # the kept value is not a field


def test_class_access_gives_the_descriptor_with_its_doc() -> None:
    assert isinstance(_Route.__dict__["carried"], once)
    assert _Route.carried.__doc__ == "Sum of the flows."
