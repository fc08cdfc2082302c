"""Django's shell, less the auto-import of django-simple-history's Historical* models.

Those are built at run time (simple_history.models.HistoricalRecords) and live in no module an
import can reach, so Django's shell listed them on every start as "4 objects could not be
automatically imported". They stay at hand as `Verdict.history.model` and the like."""

from django.apps import apps
from django.core.management.commands import shell
from simple_history.models import HistoricalChanges


class Command(shell.Command):
    def get_auto_imports(self):
        historical = {
            f"{model.__module__}.{model.__name__}"
            for model in apps.get_models()
            if issubclass(model, HistoricalChanges)
        }
        return [path for path in super().get_auto_imports() if path not in historical]
