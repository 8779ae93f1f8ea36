"""A turn's hottest reads compiled to SQL once per thread: Django compiles a queryset anew on every run, and for these
lookups compiling cost more than the query itself (decision 0048)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.models import Field, Model, QuerySet
from django.db.models.query import get_related_populators

M = TypeVar("M", bound=Model)


class CompiledQuery(Generic[M]):
    """A queryset of one fixed shape whose SQL is compiled once per thread, then run with new values.

    `build(*values)` returns the queryset; `fields` are the model fields its values are compared with, in order. Each
    value becomes a parameter exactly as the field prepares it for the database. A None value changes the SQL's shape
    (IS NULL), so such a call runs the queryset as Django builds it.
    """

    def __init__(self, build: Callable[..., QuerySet[M]], *fields: Field):
        self._build = build
        self._fields = fields
        self._local = threading.local()
        self.compilations = 0  # how often SQL was compiled: once per thread, not per call

    def __call__(self, *values: Any) -> list[M]:
        """The rows as model instances, with the queryset's related objects loaded, as iterating it would give."""
        if len(values) != len(self._fields):
            raise TypeError(f"{len(self._fields)} values expected, got {len(values)}")
        if any(value is None for value in values):
            return list(self._build(*values))
        plan = self._plan()
        connection = connections[plan.alias]
        params = list(plan.params)
        for slot, index in plan.slots:
            params[slot] = self._prep(index, values[index], connection)
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            rows = cursor.fetchall()
        return list(plan.objects(rows))

    def get(self, *values: Any) -> M:
        """The one row, else the model's DoesNotExist (as `QuerySet.get`; the shapes used here select by key)."""
        found = self(*values)
        if not found:
            model = self._plan().model
            raise model.DoesNotExist(f"{model.__name__} matching the query does not exist.")
        return found[0]

    def _prep(self, index: int, value: Any, connection: Any) -> Any:
        """The value as its field hands it to the database (a UUID object on PostgreSQL, hex digits on SQLite)."""
        return self._fields[index].get_db_prep_value(value, connection, prepared=False)

    def _plan(self) -> _Plan:
        plan: _Plan | None = getattr(self._local, "plan", None)
        if plan is None:
            plan = self._local.plan = self._compile()
            self.compilations += 1
        return plan

    def _compile(self) -> _Plan:
        samples = [_sample(field) for field in self._fields]
        queryset = self._build(*samples)
        alias = queryset.db
        connection = connections[alias]
        extras: Any = queryset  # Django's own attributes, not in its type stubs
        if extras._known_related_objects or extras._prefetch_related_lookups or queryset.query.annotation_select:
            raise ValueError("CompiledQuery takes plain querysets (no annotations, prefetches or relation managers)")
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()  # also fills compiler.select and klass_info, which turn rows into objects
        prepared = [self._prep(index, value, connection) for index, value in enumerate(samples)]
        slots = [(i, index) for i, p in enumerate(params) for index, value in enumerate(prepared) if p == value]
        if sorted({index for _, index in slots}) != list(range(len(samples))):
            raise ValueError(f"not every value of the queryset was found among its SQL parameters: {sql}")
        # The same shape with other values must give the same SQL with those values in the same places.
        other = [_sample(field) for field in self._fields]
        other_sql, other_params = self._build(*other).query.get_compiler(using=alias).as_sql()
        expected = list(params)
        for slot, index in slots:
            expected[slot] = self._prep(index, other[index], connection)
        if other_sql != sql or list(other_params) != expected:
            raise ValueError(f"the queryset's SQL changes with its values: {sql}")
        return _Plan(alias, sql, tuple(params), slots, compiler)


class _Plan:
    """One compiled shape: its SQL, fixed parameters, where the values go, and what turns its rows into objects."""

    def __init__(self, alias: str, sql: str, params: tuple[Any, ...], slots: list[tuple[int, int]], compiler: Any):
        self.alias, self.sql, self.params, self.slots, self.compiler = alias, sql, params, slots, compiler
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.model = klass_info["model"]
        self.span = (start, end)
        self.init_list = [column[0].target.attname for column in select[start:end]]
        # Built once with the plan, not per call: they only hold column positions and the related models.
        self.populators = get_related_populators(klass_info, select, alias)  # type: ignore[call-arg]

    def objects(self, rows: list[tuple[Any, ...]]) -> Iterator[Any]:
        start, end = self.span
        for row in self.compiler.results_iter([rows]):  # applies the fields' converters (JSON, UUIDs on SQLite)
            obj = self.model.from_db(self.alias, self.init_list, row[start:end])
            for populator in self.populators:
                populator.populate(row, obj)
            yield obj


def _sample(field: Field) -> Any:
    """A value of the field's type that no row holds, so its place among the SQL parameters is unambiguous."""
    target = getattr(field, "target_field", field)
    kind = target.get_internal_type()
    if kind == "UUIDField":
        return uuid.uuid4()
    if kind in {"AutoField", "BigAutoField", "IntegerField", "BigIntegerField", "PositiveIntegerField"}:
        return -(uuid.uuid4().int % 2**52) - 1
    if kind in {"CharField", "TextField", "SlugField"}:
        return f"sample-{uuid.uuid4().hex}"
    raise ValueError(f"CompiledQuery does not take values for a {kind}")
