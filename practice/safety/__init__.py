"""Safety plans for one partner, and referrals to services beyond couples work."""
