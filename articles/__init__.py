"""What comes in: outlets, articles, and the ways they arrive (pasted, API, URLs, feeds, files).

Dependency direction: claims/ depends on articles/, never the reverse. Nothing in articles/
imports claims/; articles/ asks for an analysis through the sender that claims/ registers in
ClaimsConfig.ready() (articles.queueing.analysis_sender_register).
"""
