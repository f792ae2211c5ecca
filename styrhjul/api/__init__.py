"""The REST API under /api/v1/ (docs/api.md): personal access tokens, read
endpoints over the one access policy, errors as problem+json."""
