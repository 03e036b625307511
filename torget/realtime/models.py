"""Numbered event streams: the durable side of every live page.

A stream's events are numbered 1, 2, 3, … with no gaps, and the number is the SSE event id.
Rows are only ever added (by ``actions.publish``); a viewer that reconnects is answered from
them when the hub's memory no longer reaches back far enough.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

STREAM_NAME_MAX_LENGTH = 100
KIND_MAX_LENGTH = 50


class Stream(models.Model):
    name = models.CharField(max_length=STREAM_NAME_MAX_LENGTH, unique=True)
    # The number of the newest event; its row is locked while the next number is handed out.
    last_seq = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_seq}"


class StreamEvent(models.Model):
    stream = models.ForeignKey(Stream, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=KIND_MAX_LENGTH)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["stream", "seq"]
        constraints = [
            # Also the index behind every catch-up read (seq > n within one stream).
            models.UniqueConstraint(fields=["stream", "seq"], name="realtime_event_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.stream_id}#{self.seq} {self.kind}"
