from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from lcv.accounts.policy import Action, require
from lcv.audit.labels import action_choices, action_label, describe_objects
from lcv.audit.selectors import audit_events
from lcv.core.paging import query_without_page

DATE = forms.DateInput(attrs={"class": "utrecht-textbox", "type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    """The filters in words: a handling from the list, an organisation by name, a period."""

    handeling = forms.ChoiceField(
        label=_("Handeling"), required=False, widget=forms.Select(attrs={"class": "utrecht-select"})
    )
    organisatie = forms.CharField(
        label=_("Organisatie (deel van de naam)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "utrecht-textbox", "type": "search"}),
    )
    van = forms.DateField(label=_("Van"), required=False, widget=DATE)
    tot = forms.DateField(label=_("Tot en met"), required=False, widget=DATE)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["handeling"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Alle handelingen")), *action_choices()]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("van"), cleaned.get("tot")
        if start and end and start > end:
            self.add_error("tot", _("Deze datum ligt vóór de datum bij 'Van'. Kies een latere datum."))
        return cleaned


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_AUDIT_LOG)
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_events(
        action=filters.get("handeling", ""),
        organisation_name=filters.get("organisatie", "").strip(),
        date_from=filters.get("van"),
        date_to=filters.get("tot"),
    )
    page = Paginator(events, 50).get_page(request.GET.get("pagina"))
    objects = describe_objects(page.object_list)
    rows = [(event, action_label(event.action), objects[event.pk]) for event in page.object_list]
    context = {"page": page, "rows": rows, "form": form, "query": query_without_page(request)}
    return render(request, "audit/log.html", context)
