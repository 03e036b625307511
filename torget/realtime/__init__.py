"""Real-time plumbing shared by every live page: numbered streams, brokers, the per-process hub
and the server-sent-events response (DESIGN.md §7)."""
