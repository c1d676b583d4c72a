"""Single-use launch values (LTI Security 1.0, 5.1.3: nonce; OIDC state)."""

from django.db import models


class SpentValue(models.Model):
    """A state or nonce already used by an accepted launch.

    A unique row, not a cache entry: the insert is atomic on every database, and unlike a
    cache's ``add`` it never answers "already there" because of a lock or an eviction.
    Rows are deleted once expired (they only need to outlive the id_token).
    """

    kind = models.CharField(max_length=10)
    digest = models.CharField(max_length=64)
    expires = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "digest"], name="unique_spent_value_per_kind"),
        ]

    def __str__(self):
        return f"{self.kind} {self.digest[:12]}"
