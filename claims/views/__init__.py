"""The review desk's web views: thin edges over claims.services and claims.selectors."""
