"""The filters of a partner's feedback list (R20): municipality, kind of feedback, period, pause.

The values in the query string are the API's Dutch words (payloads.REPORTED_WORDS), never the codes
stored in the database, so a bookmarked filter reads the same as the API."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lcv.feedback.models import SignalFeedback
from lcv.feedback.payloads import REPORTED_WORDS
from lcv.feedback.whitelist import Reported
from lcv.organisations.models import Organisation

# a signal that is paused from delivery (addendum) but about which nothing was reported yet
ONLY_PAUSE = "alleen_pauze"
# kind word in the URL -> the stored value of SignalFeedback.reported
KINDS: dict[str, str] = {word: str(reported) for reported, word in REPORTED_WORDS.items()} | {ONLY_PAUSE: ""}
KIND_LABELS: dict[str, str] = {str(value): str(label) for value, label in Reported.choices} | {
    "": str(_("Nog geen terugkoppeling, wel pauze vanaf aanlevering"))
}
# R21: a pause whose last day falls within this many days is "ending soon" on the screens
ENDING_SOON = timedelta(days=7)
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y"]


def told(partner: Organisation) -> QuerySet[SignalFeedback]:
    """The partner's signals it was told something about, one row each (R20). A signal whose case
    ended in a "nothing" outcome has a row too, but no message: it never shows, not even by a date
    that changed (the date shown is that of the last message)."""
    return SignalFeedback.objects.filter(partner=partner, last_message__isnull=False)


def running_pauses(rows: QuerySet[SignalFeedback]) -> QuerySet[SignalFeedback]:
    return rows.filter(pause_ended_at=None, pause_until__gte=timezone.localdate())


def ending_soon(rows: QuerySet[SignalFeedback]) -> QuerySet[SignalFeedback]:
    return running_pauses(rows).filter(pause_until__lte=timezone.localdate() + ENDING_SOON)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FeedbackFilter(forms.Form):
    gemeente = forms.TypedChoiceField(label=_("Gemeente"), coerce=int, required=False, empty_value=None)
    soort = forms.ChoiceField(label=_("Soort terugkoppeling"), required=False)
    van = forms.DateField(
        label=_("Laatste bericht vanaf"), required=False, input_formats=DATE_FORMATS, widget=_date_input()
    )
    tot = forms.DateField(
        label=_("Laatste bericht tot en met"), required=False, input_formats=DATE_FORMATS, widget=_date_input()
    )
    pauze = forms.ChoiceField(
        label=_("Pauze van de incasso"),
        required=False,
        choices=[
            ("", _("Alle")),
            ("loopt", _("Pauze loopt nog")),
            ("binnenkort", _("Pauze loopt binnen 7 dagen af")),
        ],
    )
    aanlevering = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, municipalities: list[Organisation], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["gemeente"].choices = [("", _("Alle gemeenten"))] + [(m.pk, m.name) for m in municipalities]  # type: ignore[attr-defined]
        self.fields["soort"].choices = [("", _("Alle soorten"))] + [  # type: ignore[attr-defined]
            (word, KIND_LABELS[value]) for word, value in KINDS.items()
        ]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("van"), data.get("tot")
        if isinstance(start, date) and isinstance(end, date) and start > end:
            raise forms.ValidationError(_("De begindatum ligt na de einddatum. Kies een begindatum vóór de einddatum."))
        return data


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def apply(rows: QuerySet[SignalFeedback], form: FeedbackFilter, *, kind: bool = True) -> QuerySet[SignalFeedback]:
    """The rows the filters select; `kind=False` leaves the kind out (for the counts per kind)."""
    if not form.is_valid():
        return rows
    data = form.cleaned_data
    if data["gemeente"]:
        rows = rows.filter(municipal_party_id=data["gemeente"])
    if data["aanlevering"]:
        rows = rows.filter(delivery_id=data["aanlevering"])
    if data["van"]:
        rows = rows.filter(last_message__created_at__gte=_day_start(data["van"]))
    if data["tot"]:
        rows = rows.filter(last_message__created_at__lt=_day_start(data["tot"] + timedelta(days=1)))
    if data["pauze"] == "loopt":
        rows = running_pauses(rows)
    elif data["pauze"] == "binnenkort":
        rows = ending_soon(rows)
    if kind and data["soort"]:
        reported = KINDS[data["soort"]]
        rows = rows.filter(Q(reported=reported))
    return rows
