"""Admin pieces both apps' admins use (articles/admin.py, claims/admin/): here, in config/, so
neither app's admin imports the other's; articles/ never imports claims/.

Imports only Django."""

from django.contrib import messages
from django.http import HttpResponseRedirect


class RefusedActionMixin:
    """An action the user may not run, posted anyway (a forged form, or a page drawn before a
    role changed), is refused with a message naming it, not Django's "No action selected.",
    which reads as if the click were lost. `action_refusals` gives an action its own words."""

    action_refusals: dict[str, str] = {}

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and "action" in request.POST:
            refusal = self._action_refusal(request, request.POST["action"])
            if refusal:
                self.message_user(request, refusal, level=messages.ERROR)
                return HttpResponseRedirect(request.get_full_path())
        return super().changelist_view(request, extra_context)

    def _action_refusal(self, request, name: str) -> str | None:
        if name in self.get_actions(request):
            return None
        declared = filter(None, (self.get_action(action) for action in self.actions or []))
        description = next((text for _, known, text in declared if known == name), None)
        if description is None:  # no such action at all: Django's own answer
            return None
        return self.action_refusals.get(name) or f"You may not “{description}”: nothing changed."
