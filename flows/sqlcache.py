"""A turn's hottest queries compiled to SQL once: Django compiles a queryset, an insert or an update anew on every run,
and for these statements compiling cost more than running them (decisions 0048 and 0049)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from django.db import connections, router, transaction
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
        # The columns' converters (JSON, UUIDs on SQLite) depend on the fields and the backend, not on the rows:
        # Django's results_iter looks them up anew for every call, at about a microsecond a column.
        columns = [column[0] for column in select[: compiler.col_count]]
        self.converters = None if compiler.has_composite_fields(columns) else compiler.get_converters(columns)

    def objects(self, rows: list[tuple[Any, ...]]) -> Iterator[Any]:
        start, end = self.span
        if self.converters is None:  # composite keys: Django's own path folds their columns into tuples
            converted: Any = self.compiler.results_iter([rows])
        else:
            converted = self.compiler.apply_converters(rows, self.converters) if self.converters else rows
        for row in converted:
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


class CompiledInsert(Generic[M]):
    """Inserts a model's new rows as `bulk_create` does, with the statement's SQL built once per row count.

    Each field's value is what Django's insert would send (`pre_save` then `get_db_prep_save`: defaults, auto_now_add,
    JSON adapted), and the key the database assigns is set on each object. Rows of the model's default database only;
    a batch too large for one statement, or a value that is an expression, goes through `bulk_create` instead.
    """

    MAX_ROWS = 50  # beyond this, Django's own path (config/postgresql sends such batches as arrays)

    def __init__(self, model: type[M]):
        meta = model._meta
        self.model = model
        if any(hasattr(f, "get_placeholder") or f.generated for f in meta.local_concrete_fields):
            raise ValueError(f"CompiledInsert takes plain columns only: {model.__name__} has a computed one")
        auto = meta.auto_field
        self.fields = [f for f in meta.local_concrete_fields if f is not auto]  # an auto key is the database's to give
        self.returning = [auto] if auto is not None else []
        self._sql: dict[tuple[str, int], str] = {}

    def __call__(self, objs: list[M]) -> list[M]:
        """The objects, stored, with their keys set (as `bulk_create` leaves them)."""
        if not objs:
            return objs
        alias = router.db_for_write(self.model)
        connection = connections[alias]
        if len(objs) > self.MAX_ROWS or (self.returning and not connection.features.can_return_rows_from_bulk_insert):
            return self.model._default_manager.bulk_create(objs)
        params: list[Any] = []
        for obj in objs:
            # A parent saved since it was assigned gets its key here, as in bulk_create.
            obj._prepare_related_fields_for_save(operation_name="bulk_create")  # type: ignore[attr-defined]
            if self.returning and getattr(obj, self.returning[0].attname) is not None:
                return self.model._default_manager.bulk_create(objs)  # a key chosen by the caller: Django's path
            for field in self.fields:
                value = field.pre_save(obj, True)  # type: ignore[arg-type]
                if hasattr(value, "resolve_expression"):
                    return self.model._default_manager.bulk_create(objs)
                params.append(field.get_db_prep_save(value, connection))
        sql = self._sql.get((alias, len(objs))) or self._build(alias, len(objs))
        # As Django's own writes: a failure inside a transaction marks it for rollback, so nothing after it commits.
        with transaction.mark_for_rollback_on_error(using=alias), connection.cursor() as cursor:
            cursor.execute(sql, params)
            keys = cursor.fetchall() if self.returning else []
        for obj, row in zip(objs, keys, strict=False):
            setattr(obj, self.returning[0].attname, row[0])
        for obj in objs:
            obj._state.adding = False
            obj._state.db = alias
        return objs

    def _build(self, alias: str, rows: int) -> str:
        qn = connections[alias].ops.quote_name
        columns = ", ".join(qn(str(f.column)) for f in self.fields)
        row = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
        sql = f"INSERT INTO {qn(self.model._meta.db_table)} ({columns}) VALUES {', '.join([row] * rows)}"
        if self.returning:
            # The keys come back in row order on both databases (Django's bulk_create relies on it too).
            sql += f" RETURNING {qn(str(self.returning[0].column))}"
        self._sql[(alias, rows)] = sql
        return sql


class CompiledUpdate(Generic[M]):
    """`Model.objects.filter(a=..., b=...).update(**values)` for fixed filter names, SQL built once per set of names.

    Values are prepared as Django's update prepares them (`get_db_prep_save` for what is set, a related object by its
    key; `get_db_prep_value` for what is compared); a None is sent as a parameter (NULL), never changing the SQL.
    Returns the rows changed. The filters are equalities; a None among them is refused (`= NULL` matches nothing).
    """

    def __init__(self, model: type[M], *where: str):
        self.model = model
        self.where = [self._column(name) for name in where]
        self._sql: dict[tuple[str, tuple[str, ...]], str] = {}

    def _column(self, name: str) -> Field:
        field = self.model._meta.get_field(name)
        if not getattr(field, "concrete", False) or field.many_to_many or hasattr(field, "get_placeholder"):
            raise ValueError(f"CompiledUpdate takes plain columns of {self.model.__name__}: {name} is not one")
        return field  # type: ignore[return-value]

    def __call__(self, where: tuple[Any, ...], **values: Any) -> int:
        if len(where) != len(self.where) or any(value is None for value in where):
            raise ValueError(f"{len(self.where)} filter values expected, none of them None")
        alias = router.db_for_write(self.model)
        connection = connections[alias]
        names = tuple(values)
        sql = self._sql.get((alias, names)) or self._build(alias, names)
        params = []
        for name, value in values.items():
            field = self.model._meta.get_field(name)
            if hasattr(value, "prepare_database_save"):
                value = value.prepare_database_save(field)  # a related object: its key, as Django's update does
            elif hasattr(value, "resolve_expression"):
                raise ValueError(f"CompiledUpdate sets values, not expressions ({name})")
            params.append(field.get_db_prep_save(value, connection))  # type: ignore[union-attr]
        params += [
            field.get_db_prep_value(v, connection, prepared=False) for field, v in zip(self.where, where, strict=True)
        ]
        with transaction.mark_for_rollback_on_error(using=alias), connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount

    def _build(self, alias: str, names: tuple[str, ...]) -> str:
        if not names:
            raise ValueError("CompiledUpdate needs at least one value to set")
        qn = connections[alias].ops.quote_name
        sets = ", ".join(f"{qn(str(self._column(name).column))} = %s" for name in names)
        where = " AND ".join(f"{qn(str(f.column))} = %s" for f in self.where)
        sql = self._sql[(alias, names)] = f"UPDATE {qn(self.model._meta.db_table)} SET {sets} WHERE {where}"
        return sql
