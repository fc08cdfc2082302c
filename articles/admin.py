from django.contrib import admin

from .models import Outlet

# Article's admin lives in claims/admin.py: it shows sentences and claims and queues analyses,
# and articles/ must not depend on claims/.


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "domain"]
    search_fields = ["name", "domain"]
