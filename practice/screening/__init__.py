"""Each partner's private safety screen, asked apart from the other; counsellor-only."""
