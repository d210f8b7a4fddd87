"""The practice's consent documents, in versions, each partner's signatures, and which
sessions wait for them (``practice.consent.gate``)."""
