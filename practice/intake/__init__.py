"""Each partner's intake: the practice's versioned questions and the answers to them."""
