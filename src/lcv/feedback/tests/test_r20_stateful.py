"""R20, as a property: whatever a handler does to a case — contact attempts, help accepted, any
outcome, reopening and correcting, in any order — no partner ever receives anything outside the
whitelist, and what it was last told is what the case's history allows it to know.

The model below is written from FACTS.md and the issue, not from the service: it knows the table
(test_r20_feedback.FACTS_TABLE), that help accepted is reported at once, that a "nothing" outcome
reports nothing, and that only a correction after reopening can withdraw an earlier message."""

from __future__ import annotations

import contextlib
import itertools
from datetime import date, timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from lcv.cases import services
from lcv.cases.outcomes import ContactKind, Outcome
from lcv.cases.services import CaseError
from lcv.feedback.models import Event, FeedbackMessage
from lcv.feedback.tests.test_r20_feedback import FACTS_TABLE, KIND, REASON
from lcv.feedback.whitelist import Reported
from lcv.signals.models import Signal

ON = date(2026, 3, 22)
ALLOWED = {(KIND[kind], REASON[reason]) for kind, reason in filter(None, FACTS_TABLE.values())}
HELP = (Reported.HELP_ACCEPTED, "")
WITHDRAWN = (Reported.WITHDRAWN, "")
houses = itertools.count(100)


def test_r20_no_sequence_of_handler_actions_sends_a_partner_anything_outside_the_whitelist(chain):
    class Handling(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            number = str(next(houses))
            for partner, customer in ((chain.water, "W"), (chain.energy, "E"), (chain.housing, "H")):
                chain.deliver(partner, [chain.signal(partner, klantnummer=f"{customer}-{number}", huisnummer=number)])
            self.case = chain.open_case(number=int(number))
            self.signals = dict(
                Signal.objects.filter(customer_number__endswith=f"-{number}").values_list("pk", "partner_id")
            )
            assert len(self.signals) == 3
            self.told: tuple[str, str] | None = None  # what the model says the partners were last told
            self.changes = 0  # how many times that changed: one message per signal each time
            self.correcting = False
            self.accepted_on: date | None = None

        def tell(self, row: tuple[str, str]) -> None:
            if row != self.told:
                self.told = row
                self.changes += 1
            self.correcting = False

        @rule(reached=st.booleans(), kind=st.sampled_from(list(ContactKind)))
        def attempt(self, reached, kind):
            with contextlib.suppress(CaseError):
                services.record_attempt(case_id=self.case.pk, actor=chain.handler, kind=kind, reached=reached, on=ON)

        @rule(days_ago=st.integers(0, 40))
        def accept_help(self, days_ago):
            try:
                services.accept_help(case_id=self.case.pk, actor=chain.handler, on=ON - timedelta(days=days_ago))
            except CaseError:
                return
            if self.told != HELP:
                self.accepted_on = ON - timedelta(days=days_ago)
            self.tell(HELP)

        @rule(outcome=st.sampled_from(list(Outcome)))
        def close(self, outcome):
            try:
                services.close(case_id=self.case.pk, actor=chain.handler, outcome=outcome)
            except CaseError:
                return
            row = FACTS_TABLE[outcome.label]
            if row is not None:
                row = (KIND[row[0]], REASON[row[1]])
                if row == HELP and self.told != HELP:
                    self.accepted_on = None  # closed with help without accepting first: pause from the closing
                self.tell(row)
            elif self.correcting and self.told not in (None, WITHDRAWN):
                self.tell(WITHDRAWN)
            else:
                self.correcting = False

        @rule(reason=st.sampled_from(["Verkeerd resultaat", "Inwoner belde terug"]))
        def reopen(self, reason):
            try:
                services.reopen(case_id=self.case.pk, actor=chain.handler, reason=reason)
            except CaseError:
                return
            self.correcting = self.told is not None

        def messages(self):
            return list(FeedbackMessage.objects.filter(signal_id__in=self.signals).order_by("id"))

        @invariant()
        def only_whitelist_rows_leave(self):
            for message in self.messages():
                assert message.partner_id == self.signals[message.signal_id]  # its own signal, never another's
                assert message.event in (Event.CREATED, Event.CORRECTED)
                content = (message.reported, message.reason)
                if content == WITHDRAWN:
                    assert message.corrects_id is not None  # only ever a correction of an earlier message
                else:
                    assert content in ALLOWED, content

        @invariant()
        def each_signal_has_one_chain_of_corrections(self):
            for signal_id in self.signals:
                chain_of = [m for m in self.messages() if m.signal_id == signal_id]
                assert len(chain_of) == self.changes
                for before, after in itertools.pairwise(chain_of):
                    assert after.event == Event.CORRECTED
                    assert after.corrects_id == before.pk
                    assert (after.reported, after.reason) != (before.reported, before.reason)
                if chain_of:
                    assert chain_of[0].event == Event.CREATED
                    assert chain_of[0].corrects_id is None
                    last = chain_of[-1]
                    assert (last.reported, last.reason) == self.told
                    if self.told == HELP and self.accepted_on is not None:
                        assert last.pause_until == self.accepted_on + timedelta(days=30)
                    if self.told == WITHDRAWN:
                        assert last.pause_until is None

    run_state_machine_as_test(
        Handling, settings=settings(max_examples=150, stateful_step_count=15, deadline=None, database=None)
    )
