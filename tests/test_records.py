"""generator.records: each dataclasses feature hyoka uses behaves as dataclasses' does."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import ClassVar

import pytest

from generator import records
from generator.records import FrozenInstanceError, dataclass, field, fields, is_record, replace


@dataclass(frozen=True)
class Point:
    x: int
    y: int = 0
    label: str = field(default="", compare=False)
    KIND: ClassVar[str] = "point"


@dataclass(frozen=True, slots=True)
class Slotted:
    a: int
    b: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.a < 0:
            raise ValueError("negative")


@dataclass
class Bag:
    name: str
    items: list[int] = field(default_factory=list)
    secret: dict[str, int] = field(default_factory=dict, repr=False)


@dataclass(frozen=True, order=True)
class Loc:
    file: str
    line: int = 0


@dataclass
class Base:
    loc: str


@dataclass
class Child(Base):
    text: str
    extra: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Counter:
    n: int = 0


def test_init_defaults_and_repr():
    p = Point(1)
    assert (p.x, p.y, p.label) == (1, 0, "")
    assert repr(p) == "Point(x=1, y=0, label='')"
    assert repr(Bag("b", [1])) == "Bag(name='b', items=[1])"  # repr=False left out
    assert Point.y == 0 and Point.KIND == "point"  # class-level default kept, ClassVar not a field
    assert [f.name for f in fields(Point)] == ["x", "y", "label"]
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, z=2)  # type: ignore[call-arg]


def test_default_factory_gives_each_instance_its_own():
    one, two = Bag("a"), Bag("b")
    one.items.append(1)
    assert two.items == [] and one.items == [1]


def test_eq_and_hash_over_compared_fields_only():
    assert Point(1, 2, "a") == Point(1, 2, "b")
    assert hash(Point(1, 2, "a")) == hash(Point(1, 2, "b")) == hash((1, 2))
    assert Point(1, 2) != Point(1, 3)
    assert Point(1) != Loc("1")  # another class: not equal
    assert Bag("a") == Bag("a")
    with pytest.raises(TypeError):
        hash(Bag("a"))  # eq and not frozen: unhashable, as a dataclass


def test_frozen_assignment_raises():
    p = Point(1)
    with pytest.raises(FrozenInstanceError):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del p.x  # type: ignore[misc]
    s = Slotted(1)
    with pytest.raises(FrozenInstanceError):
        s.a = 2  # type: ignore[misc]


def test_slots_and_post_init():
    s = Slotted(1, (2,))
    assert not hasattr(s, "__dict__") and Slotted.__slots__ == ("a", "b")
    assert Slotted(1) == Slotted(1, ())
    with pytest.raises(ValueError, match="negative"):
        Slotted(-1)
    c = Counter()
    c.n += 1
    assert c.n == 1
    with pytest.raises(AttributeError):
        c.other = 1  # type: ignore[attr-defined]


def test_order():
    assert sorted([Loc("b", 1), Loc("a", 2), Loc("a", 1)]) == [Loc("a", 1), Loc("a", 2), Loc("b", 1)]
    assert Loc("a", 1) <= Loc("a", 1) and Loc("b") > Loc("a", 9) and Loc("b") >= Loc("b")
    with pytest.raises(TypeError):
        assert Loc("a") < "a"  # type: ignore[operator]


def test_inherited_fields_come_first():
    c = Child("here", "text")
    assert (c.loc, c.text, c.extra) == ("here", "text", [])
    assert [f.name for f in fields(c)] == ["loc", "text", "extra"]
    assert isinstance(c, Base) and Child.__match_args__ == ("loc", "text", "extra")


def test_replace_copies_with_changes():
    p = Point(1, 2, "x")
    q = replace(p, y=5)
    assert (q.x, q.y, q.label) == (1, 5, "x") and p.y == 2
    assert replace(Slotted(1, (2,)), a=3) == Slotted(3, (2,))
    with pytest.raises(ValueError, match="negative"):
        replace(Slotted(1), a=-1)  # through __init__: __post_init__ checks again
    with pytest.raises(TypeError):
        replace(p, nothing=1)


def test_pickle_round_trip():
    for value in (
        Point(1, 2, "l"),
        Slotted(4, (5, 6)),
        Bag("b", [1], {"k": 2}),
        Loc("f", 3),
        Child("l", "t"),
    ):
        back = pickle.loads(pickle.dumps(value))
        assert back == value and type(back) is type(value)
    s = pickle.loads(pickle.dumps(Slotted(4, (5,))))
    assert (s.a, s.b) == (4, (5,))


def test_is_record_and_fields_of_others():
    assert is_record(Point(1)) and is_record(Point) and not is_record(3)
    with pytest.raises(TypeError):
        fields(3)


def test_non_default_after_default_refused():
    with pytest.raises(TypeError, match="non-default"):

        @dataclass
        class Wrong:
            a: int = 0
            b: int  # type: ignore[misc]


def test_methods_the_class_defines_are_kept():
    @dataclass(frozen=True)
    class Own:
        a: int

        def __repr__(self) -> str:
            return "own"

        def __eq__(self, other: object) -> bool:
            return True

    assert repr(Own(1)) == "own" and Own(1) == Own(2)
    assert hash(Own(1)) == hash((1,))  # frozen with its own __eq__: hashed on the fields, as dataclasses


def test_a_held_stub_works_after_compiling():
    @dataclass
    class Late:
        a: int

    init = Late.__init__
    Late(1)  # compiles
    obj = Late.__new__(Late)
    init(obj, 5)
    assert obj.a == 5


def test_compiled_methods_are_kept_for_the_next_run(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(records, "_codes", None)
    monkeypatch.setattr(records, "_used", set())
    monkeypatch.setattr(records, "_compiled", [])

    @dataclass(frozen=True)
    class Cached:
        name: str
        size: int = 3

    assert Cached("a") == Cached("a", 3)  # compiles __init__ and __eq__
    records._write_codes()
    files = list((tmp_path / "hyoka" / "records").iterdir())
    assert len(files) == 1 and files[0].name.startswith("methods-")

    # a later run: the same sources found in the file, nothing compiled
    monkeypatch.setattr(records, "_codes", None)
    monkeypatch.setattr(records, "_compiled", [])

    def refuse(*args: object) -> None:
        raise AssertionError("compiled again")

    monkeypatch.setattr(records, "compile", refuse, raising=False)

    @dataclass(frozen=True)
    class Cached2:
        name: str
        size: int = 3

    assert Cached2("b").size == 3 and Cached2("b") == Cached2("b")
    assert records._compiled == []


def test_a_damaged_cache_file_is_compiled_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(records, "_codes", None)
    monkeypatch.setattr(records, "_used", set())
    monkeypatch.setattr(records, "_compiled", [])
    path = records._codes_file()
    assert path is not None
    with open(path, "wb") as fh:
        fh.write(b"\x00not marshal")

    @dataclass
    class Fresh:
        a: int

    assert Fresh(1).a == 1 and len(records._compiled) == 1


def test_no_generator_module_uses_dataclasses() -> None:
    """generator.records stands for dataclasses everywhere: one module back on dataclasses brings
    its import (inspect) and ~0.8 ms a class back to every run."""
    root = Path(records.__file__).parent
    users = [
        str(path.relative_to(root))
        for path in sorted(root.rglob("*.py"))
        if path.name != "records.py"
        and any(
            line.startswith(("import dataclasses", "from dataclasses "))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert users == []


def test_only_classvar_annotations_are_left_out() -> None:
    @dataclass
    class Kinds:
        like: ClassVarish  # a type whose name merely starts so (annotations are strings here)
        plain: ClassVar[int] = 1
        bare: ClassVar = 2  # type: ignore[type-arg]

    assert [f.name for f in fields(Kinds)] == ["like"]


class ClassVarish:
    pass


def test_a_mutable_default_is_refused_as_dataclasses_refuses_it() -> None:
    with pytest.raises(ValueError, match="default_factory"):

        @dataclass
        class Shared:
            items: list = []  # noqa: RUF012 - the point of the test


def test_a_slotted_frozen_record_builds_on_a_slotted_base() -> None:
    @dataclass(frozen=True, slots=True)
    class Base:
        x: int

    @dataclass(frozen=True, slots=True)
    class Child(Base):
        y: int = 2

    assert (Child(1).x, Child(1).y) == (1, 2)


def test_row_anchored_copies_every_field_of_a_row() -> None:
    """``Row.anchored`` lists the fields by hand (cheaper than replace): a field added to Row must
    be added there too, or this fails."""
    from generator.layout.ir import Cell, Row, TextContent

    assert [f.name for f in fields(Row)] == ["cells", "kind", "keep_together", "anchor"]
    row = Row((Cell((TextContent(()),), role="label"),), kind="heading", keep_together=False, anchor="a")
    assert row.anchored("b") == replace(row, anchor="b")


def test_a_record_that_holds_itself_shows_dots_there_as_dataclasses_does() -> None:
    import dataclasses

    @dataclasses.dataclass
    class Theirs:
        items: list[object]

    bag, theirs = Bag("b"), Theirs([])
    bag.items.append(bag)  # type: ignore[arg-type]
    theirs.items.append(theirs)
    assert repr(bag) == "Bag(name='b', items=[...])"
    assert (
        repr(theirs)
        == "test_a_record_that_holds_itself_shows_dots_there_as_dataclasses_does.<locals>.Theirs(items=[...])"
    )
    assert repr(Bag("c", [1])) == "Bag(name='c', items=[1])"  # the guard is left


def test_the_cache_folders_are_made_private_to_the_user(tmp_path, monkeypatch):
    from generator.cachedir import cache_dir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    old = os.umask(0o022)
    try:
        folder = cache_dir("records")
    finally:
        os.umask(old)
    assert folder == tmp_path / "cache" / "hyoka" / "records"
    for made in (tmp_path / "cache", folder.parent, folder):
        assert made.stat().st_mode & 0o777 == 0o700, made


def test_the_users_own_cache_folder_made_group_writable_is_made_private(tmp_path, monkeypatch):
    """An older hyoka made ``hyoka/`` with the umask (0775 under umask 002, usual where each
    user has a group of their own): refused, every cache was lost for good without a word."""
    from generator.cachedir import cache_dir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    (tmp_path / "hyoka" / "jinja").mkdir(parents=True)
    os.chmod(tmp_path / "hyoka", 0o775)
    os.chmod(tmp_path / "hyoka" / "jinja", 0o775)
    assert cache_dir("jinja") == tmp_path / "hyoka" / "jinja"
    for made in (tmp_path / "hyoka", tmp_path / "hyoka" / "jinja"):
        assert made.stat().st_mode & 0o777 == 0o700, made


def test_a_cache_folder_others_may_write_is_made_private_and_emptied(tmp_path, monkeypatch):
    # compiled code is read from it and run: what another user could have put there is not used
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    from generator.cachedir import cache_dir

    records_dir = tmp_path / "hyoka" / "records"
    for shared, mode in ((tmp_path / "hyoka", 0o777), (records_dir, 0o770)):
        records_dir.mkdir(parents=True, exist_ok=True)
        (records_dir / "planted.marshal").write_bytes(b"x")
        os.chmod(shared, mode)
        assert cache_dir("records") == records_dir
        assert shared.stat().st_mode & 0o777 == 0o700
        # emptied when the records folder itself was open to others; its parent's children are
        # checked one by one (another user's folder in it is refused)
        assert (records_dir / "planted.marshal").exists() is (shared != records_dir)


def test_a_cache_folder_of_another_user_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(records, "_codes", None)
    from generator import cachedir

    (tmp_path / "hyoka" / "records").mkdir(parents=True)
    monkeypatch.setattr(cachedir.os, "getuid", lambda: os.stat(tmp_path).st_uid + 1)
    assert cachedir.cache_dir("records") is None
    assert records._codes_file() is None


def test_a_frozen_record_is_built_in_one_step_but_through_a_fields_descriptor() -> None:
    class Upper:  # a data descriptor in a field's place: __init__ must go through its __set__
        def __get__(self, obj: object, owner: type | None = None) -> object:
            return "" if obj is None else obj.__dict__["_name"]

        def __set__(self, obj: object, value: str) -> None:
            obj.__dict__["_name"] = value.upper()

    @dataclass(frozen=True)
    class Named:
        name: str = Upper()  # type: ignore[assignment]

    @dataclass(frozen=True)
    class Plain:
        name: str
        size: int = 0

    assert Named("ab").name == "AB"
    assert "__dict__.update" in records._init_source(Plain, fields(Plain), {})
    assert Plain("a").__dict__ == {"name": "a", "size": 0} and Plain("a") == Plain("a", 0)
    with pytest.raises(FrozenInstanceError):
        Plain("a").name = "b"  # type: ignore[misc]
