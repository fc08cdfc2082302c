"""What is made of articles: analysis, claims, review, verdicts, the API.

Dependency direction: claims/ depends on articles/ (it has foreign keys to Article and calls
articles.services to store articles), never the reverse. claims/ registers how an article's
analysis is queued in ClaimsConfig.ready(), so articles/ can queue it without importing claims/.
"""
