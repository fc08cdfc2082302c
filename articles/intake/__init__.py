"""Intake: how articles and other fact-checkers' work come in besides pasted text.

    fetch.py        polite, bounded HTTP GET that refuses private addresses (SSRF): the entry
                    point, over addresses.py (the SSRF rule), connection.py (bounded lookup,
                    pinned connection, watchdog), download.py (the GET), robots.py, errors.py
    extract.py      HTML → article text and metadata (trafilatura)
    jobs.py         URL intake jobs: submit, send (or run here, without a worker), retry, requeue
    jobrun.py       one job's steps: claim, fetch, store or fail (the task's and inprocess.py's)
    queue.py        tasks sent by name; the retry rule for a database error (count, backoff)
    inprocess.py    work run without a worker, its pages fetched several at once (a URL, bulk
                    rows, feeds and their entries), and intake jobs' retries of a database error
    feeds.py        RSS/Atom subscriptions: add, conditional GET poll, back-off (services)
    bulk.py         a bulk import run over its file, chunk by chunk, with its progress
    bulkfile.py     a bulk file's check, storage in pieces and reading back, row parsing
    bulkrows.py     one row of a bulk file: cleaned, then stored as an article or queued as a job
    markup.py       the text a reader sees of a value holding HTML (for services.line_visible)
    claimreview.py  ClaimReview from JSON-LD/microdata (extruct) or JSON files (services),
                    its values read by claimreview_values.py (markup, rating, dates)
    storable.py     whether text decoded from JSON can be stored (NUL, lone surrogates)
    views.py        the editor pages for jobs, feeds, imports

May import Django, articles.models, articles.services and articles.queueing; never claims/ (see
articles/__init__.py).
"""
