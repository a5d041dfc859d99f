from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "lcv.agreements"
    label = "agreements"
    verbose_name = "Overeenkomsten"

    def ready(self) -> None:
        from lcv.accounts.policy import register_owner
        from lcv.agreements import checks, executors, tasks  # noqa: F401  (registers the deploy checks, periodic jobs)
        from lcv.agreements.documents import on_worker_starting
        from lcv.agreements.models import Addendum, Agreement
        from lcv.agreements.tasks import on_organisation_approved
        from lcv.core.hooks import worker_starting
        from lcv.registrations.services import organisation_approved

        register_owner(Agreement, lambda agreement: agreement.parties)
        register_owner(Addendum, lambda addendum: addendum.agreement.parties)
        organisation_approved.connect(on_organisation_approved, dispatch_uid="agreements.generate_on_approval")
        organisation_approved.connect(executors.on_organisation_approved, dispatch_uid="agreements.awaited_executor")
        worker_starting.connect(on_worker_starting, dispatch_uid="agreements.sealing_in_the_worker")
