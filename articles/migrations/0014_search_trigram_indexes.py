from django.db import migrations

from config.search_indexes import trigram_indexes_operation

# The admin's searches of imported fact-checks (claim, claimant, publisher, address) and of
# intake jobs (address, reason, outlet), and the fact-checks page's search of the claim: each
# an OR of substring matches on one table, which PostgreSQL serves as a BitmapOr of these
# indexes when the words are rare, and by reading the table when they are in most rows.
SEARCH_INDEXES = {
    "factcheck_claim_upper_trgm_idx": (
        "articles_externalfactcheck USING gin (UPPER(claim_reviewed) gin_trgm_ops)"
    ),
    "factcheck_claimant_upper_trgm_idx": (
        "articles_externalfactcheck USING gin (UPPER(claimant) gin_trgm_ops)"
    ),
    "factcheck_publisher_upper_trgm_idx": (
        "articles_externalfactcheck USING gin (UPPER(publisher_name) gin_trgm_ops)"
    ),
    "factcheck_url_upper_trgm_idx": "articles_externalfactcheck USING gin (UPPER(url) gin_trgm_ops)",
    "intakejob_url_upper_trgm_idx": "articles_intakejob USING gin (UPPER(url) gin_trgm_ops)",
    "intakejob_reason_upper_trgm_idx": "articles_intakejob USING gin (UPPER(reason) gin_trgm_ops)",
    "intakejob_outlet_upper_trgm_idx": (
        "articles_intakejob USING gin (UPPER(outlet_name) gin_trgm_ops)"
    ),
}


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY refuses to run in a transaction

    dependencies = [
        ("articles", "0013_admin_list_indexes"),
        ("claims", "0005_add_api_tokens"),  # creates pg_trgm where the database allows it
    ]

    operations = [trigram_indexes_operation(SEARCH_INDEXES)]
