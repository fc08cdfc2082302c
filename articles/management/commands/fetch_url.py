from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles.intake.jobrun import intake_job_run
from articles.intake.jobs import intake_job_submit
from articles.models import IntakeStatus
from articles.services import DuplicateArticle


class Command(BaseCommand):
    help = (
        "Fetch one URL in this process, extract the article and store it (its analysis is "
        "queued like any other). Prints the article's id, or the reason it failed (exit 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("url")
        parser.add_argument("--outlet", default="", help="Outlet name, if not the site's own.")

    def handle(self, *args, url: str, outlet: str, **options):
        try:
            job = intake_job_submit(url=url, outlet_name=outlet, queue=False)
        except DuplicateArticle as duplicate:
            self.stderr.write(duplicate.messages[0])
            self.stdout.write(str(duplicate.existing.pk))
            return
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        job = intake_job_run(job_id=job.pk, final_attempt=True).job
        if job.status != IntakeStatus.STORED:
            raise CommandError(f"Intake job #{job.pk} failed: {job.reason}")
        if job.duplicate:
            self.stderr.write(job.reason)
        self.stdout.write(str(job.article_id))
