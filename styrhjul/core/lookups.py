"""`field__any_of=ids`: the same rows as `field__in=ids`, written for
thousands of ids. On PostgreSQL the ids go as one array parameter
(`field = ANY(%s)`) instead of one placeholder per id: the statement stays
short, so neither Django nor the database driver spends time building and
scanning thousands of placeholders, and the database plans it as fast. Other
databases get the ordinary IN list.

Registered on every field and relation when this module is imported; `ids_in` imports it
for its callers."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject, Q
from django.db.models.lookups import In


class AnyOf(In):
    lookup_name = "any_of"

    def get_prep_lookup(self):
        if self.rhs_is_direct_value() and all(type(value) is int for value in self.rhs):
            return self.rhs  # ids: nothing to prepare, one by one
        return super().get_prep_lookup()

    def as_postgresql(self, compiler, connection):
        if not self.rhs_is_direct_value():
            return super().as_sql(compiler, connection)
        values = sorted({value for value in self.rhs if value is not None})
        if not values:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, values)


# Relations keep their own lookups (ForeignObject.get_class_lookups).
Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)


def ids_in(field: str, ids: Iterable[int]) -> Q:
    """Q(<field>__in=ids) for many ids (see the module)."""
    # A set, not a list: Django looks into each value of a list or tuple
    # for an expression to resolve.
    return Q(**{f"{field}__{AnyOf.lookup_name}": frozenset(ids)})
