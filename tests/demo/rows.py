"""Rows in the database, counted, to show that loading the demo again
changes nothing."""


def counts(models, history=None) -> dict:
    """The rows of each model, and of each history table: the models' own,
    or those of `history` when given."""
    result = {m.__name__: m.objects.count() for m in models}
    tracked = models if history is None else history
    return result | {f"history {m.__name__}": m.history.count() for m in tracked}
