"""Who is calling: credentials, signatures and (later) policy evaluation."""
