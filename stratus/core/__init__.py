"""Cross-cutting machinery every service uses: context, clock, ids, outbox, scheduler."""
